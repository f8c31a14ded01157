package io.drydock.benchmarks;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * What Temporal itself needs for a canceled import to close, with nothing of Drydock in it: the
 * cancel reaches the workflow, which runs one activity recording that the run stopped (Drydock's
 * releaseRun) and ends canceled. Its cancel-to-stopped latency is the floor under Drydock's on the
 * same server and worker.
 */
@WorkflowInterface
public interface CancelFloorWorkflow {
  String TASK_QUEUE = "drydock-bench-cancel-floor";

  /** Waits until canceled. */
  @WorkflowMethod
  void run();
}

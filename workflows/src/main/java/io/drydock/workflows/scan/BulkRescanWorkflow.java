package io.drydock.workflows.scan;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Re-indexes every manifest (or one repository's) through child rescans, a bounded number at a
 * time.
 */
@WorkflowInterface
public interface BulkRescanWorkflow {
  @WorkflowMethod
  BulkRescanProgress run(BulkRescanRequest request);

  @QueryMethod
  BulkRescanProgress progress();

  /** Starts no new rescan until {@link #resume}; running ones finish. */
  @SignalMethod
  void pause();

  @SignalMethod
  void resume();

  /** Starts no new rescan, waits for the running ones, and ends {@code canceled}. */
  @SignalMethod
  void cancel();
}

package io.drydock.workflows.replication;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Replicates the artifacts of every uploaded repository to every in-service sled. Runs forever: one
 * activation on each {@link #activate} signal and on a timer, continuing as new before its history
 * grows large.
 */
@WorkflowInterface
public interface ReplicationWorkflow {
  /**
   * {@code carried} is what the previous run handed over at continue-as-new; only its settings on a
   * first start.
   */
  @WorkflowMethod
  void run(ReplicationCarry carried);

  /** Runs an activation as soon as possible (sent by every upload and delete, and by operators). */
  @SignalMethod
  void activate();

  /** No new activation starts until {@link #resume}; one in progress finishes. */
  @SignalMethod
  void pause();

  @SignalMethod
  void resume();

  @QueryMethod
  ReplicationStatus status();
}

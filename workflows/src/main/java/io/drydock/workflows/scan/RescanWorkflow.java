package io.drydock.workflows.scan;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Indexes one manifest into a report, as Clair's indexer does, but durably: the stored report is
 * reused only when it is finished, successful and current; a new one is written once, atomically,
 * and only when complete.
 */
@WorkflowInterface
public interface RescanWorkflow {
  @WorkflowMethod
  RescanResult run(RescanRequest request);

  /** The indexer state the run is in ({@link IndexerStates}). */
  @QueryMethod
  String state();
}

package io.drydock.workflows.scan;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;

/** Task queue, workflow ids and indexer state names of the rescan workflows. */
public final class ScanWorkflows {
  public static final String TASK_QUEUE = "drydock-scan";

  /**
   * Bulk rescan started by the worker when the scanner set's index state changes; one per index
   * state.
   */
  public static final String INDEX_STATE_BULK_PREFIX = "bulk-rescan/index-state-";

  private ScanWorkflows() {}

  /**
   * One rescan per manifest at a time: a second request for a manifest being indexed joins the
   * running one.
   */
  public static String rescanWorkflowId(String manifestDigest) {
    return "rescan/" + manifestDigest;
  }

  /**
   * How a client starts the manifest's rescan: a request while one runs joins it, and a new one may
   * start once it has ended.
   */
  public static WorkflowOptions.Builder rescanOptions(String manifestDigest) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TASK_QUEUE)
        .setWorkflowId(rescanWorkflowId(manifestDigest))
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
  }

  public static String bulkRescanWorkflowId(String name) {
    return "bulk-rescan/" + name;
  }

  /**
   * A bulk rescan's child for one manifest: distinct from {@link #rescanWorkflowId}, fenced like
   * any other run.
   */
  static String childWorkflowId(String bulkWorkflowId, String manifestDigest) {
    return bulkWorkflowId + "/" + manifestDigest;
  }
}

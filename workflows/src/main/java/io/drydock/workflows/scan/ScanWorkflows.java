package io.drydock.workflows.scan;

/** Task queue, workflow ids and indexer state names of the rescan workflows. */
public final class ScanWorkflows {
  public static final String TASK_QUEUE = "drydock-scan";

  /** Bulk rescan started by the worker when the scanner set's index state changes; one per index state. */
  public static final String INDEX_STATE_BULK_PREFIX = "bulk-rescan/index-state-";

  private ScanWorkflows() {}

  /** One rescan per manifest at a time: a second request for a manifest being indexed joins the running one. */
  public static String rescanWorkflowId(String manifestDigest) {
    return "rescan/" + manifestDigest;
  }

  public static String bulkRescanWorkflowId(String name) {
    return "bulk-rescan/" + name;
  }

  /** A bulk rescan's child for one manifest: distinct from {@link #rescanWorkflowId}, fenced like any other run. */
  static String childWorkflowId(String bulkWorkflowId, String manifestDigest) {
    return bulkWorkflowId + "/" + manifestDigest;
  }
}

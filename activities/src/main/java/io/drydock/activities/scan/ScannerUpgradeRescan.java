package io.drydock.activities.scan;

import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.workflows.scan.BulkRescanRequest;
import io.drydock.workflows.scan.BulkRescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-indexes every manifest once per scanner set: when a worker starts with scanners whose index
 * state differs from the one last rescanned for, it starts the bulk rescan for the new state. The
 * workflow id names the state and is never reused, so any number of workers starting at once start
 * it once.
 */
public final class ScannerUpgradeRescan {
  private static final Logger log = LoggerFactory.getLogger(ScannerUpgradeRescan.class);

  private final ScanStore store;
  private final WorkflowClient client;
  private final ScannerSet scanners;
  private final int concurrency;

  public ScannerUpgradeRescan(
      ScanStore store, WorkflowClient client, ScannerSet scanners, int concurrency) {
    this.store = store;
    this.client = client;
    this.scanners = scanners;
    this.concurrency = concurrency;
  }

  /**
   * Starts the bulk rescan of the current index state unless it was started before; returns its
   * workflow id.
   */
  public String startIfScannersChanged() {
    String state = scanners.indexState();
    String workflowId = ScanWorkflows.INDEX_STATE_BULK_PREFIX + state;
    if (store.bulkRescans().bulkRescannedIndexState().filter(state::equals).isPresent()) {
      return workflowId;
    }
    BulkRescanWorkflow bulk =
        client.newWorkflowStub(
            BulkRescanWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(ScanWorkflows.TASK_QUEUE)
                .setWorkflowId(workflowId)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    try {
      WorkflowClient.start(bulk::run, new BulkRescanRequest(null, false, concurrency, null, null));
      log.info("scanner set changed (index state {}): started bulk rescan {}", state, workflowId);
    } catch (WorkflowExecutionAlreadyStarted e) {
      log.info("bulk rescan {} for index state {} was already started", workflowId, state);
    }
    store.bulkRescans().recordBulkRescannedIndexState(state);
    return workflowId;
  }
}

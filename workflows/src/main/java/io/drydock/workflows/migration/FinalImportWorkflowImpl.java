package io.drydock.workflows.migration;

import io.drydock.workflows.scan.BulkRescanRequest;
import io.drydock.workflows.scan.BulkRescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * One activity records the tags and new manifests and completes the import in one transaction. A
 * completed import then has its image manifests indexed, by a bulk rescan of the repository that
 * outlives this workflow.
 */
public final class FinalImportWorkflowImpl extends ImportWorkflowSupport
    implements FinalImportWorkflow {
  static final String INDEX_AFTER_IMPORT_CHANGE = "index-after-import";
  static final int INDEX_CONCURRENCY = 4;

  @Override
  public ImportResult run(ImportRequest request) {
    ImportResult result =
        runToEnd(request, ImportStatuses.FINAL, () -> importing.finalImport(request));
    if (result.applied()
        && result.status() == MigrationStatus.IMPORT_COMPLETE
        && Workflow.getVersion(INDEX_AFTER_IMPORT_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      startIndexing(request);
    }
    return result;
  }

  /**
   * Named after the import's owner token, which is unique per import and, unlike the run id, part
   * of its input.
   */
  private void startIndexing(ImportRequest request) {
    BulkRescanWorkflow indexing =
        Workflow.newChildWorkflowStub(
            BulkRescanWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(
                    ScanWorkflows.bulkRescanWorkflowId(
                        "import/" + request.repositoryPath() + "/" + request.ownerToken()))
                .setTaskQueue(ScanWorkflows.TASK_QUEUE)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    Async.function(
        indexing::run,
        new BulkRescanRequest(request.repositoryPath(), false, INDEX_CONCURRENCY, null, null));
    // The child must have started before this workflow completes, or its start would be dropped
    // with it.
    Workflow.getWorkflowExecution(indexing).get();
  }
}

package io.drydock.workflows.migration;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Pre-import: copies a repository's tagged manifests and their blobs from the legacy storage into
 * the database.
 */
@WorkflowInterface
public interface PreImportWorkflow extends OperatorSignals {
  @WorkflowMethod
  ImportResult run(ImportRequest request);

  /** Tags imported so far out of all the repository's tags. */
  @QueryMethod
  ImportProgress progress();
}

package io.drydock.workflows.migration;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Pre-import: copies a repository's manifests and blobs from the legacy storage into the registry database. */
@WorkflowInterface
public interface PreImportWorkflow {
  @WorkflowMethod
  ImportResult run(ImportRequest request);
}

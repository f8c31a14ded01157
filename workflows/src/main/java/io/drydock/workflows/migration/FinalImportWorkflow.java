package io.drydock.workflows.migration;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Final import: records the tags and anything pushed since the pre-import, in one transaction. */
@WorkflowInterface
public interface FinalImportWorkflow extends OperatorSignals {
  @WorkflowMethod
  ImportResult run(ImportRequest request);
}

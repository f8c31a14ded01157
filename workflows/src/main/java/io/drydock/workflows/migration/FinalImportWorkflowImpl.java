package io.drydock.workflows.migration;

/** One activity records the tags and new manifests and completes the import in one transaction. */
public final class FinalImportWorkflowImpl extends ImportWorkflowSupport implements FinalImportWorkflow {
  @Override
  public ImportResult run(ImportRequest request) {
    return runToEnd(request, ImportStatuses.FINAL, () -> importing.finalImport(request));
  }
}

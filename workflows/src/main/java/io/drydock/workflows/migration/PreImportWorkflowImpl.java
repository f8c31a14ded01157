package io.drydock.workflows.migration;

import io.drydock.workflows.ActivityFailures;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * Imports the repository's tags in chunks, so the workflow knows its progress and a very large repository continues
 * as new instead of growing one history without bound.
 */
public final class PreImportWorkflowImpl extends ImportWorkflowSupport implements PreImportWorkflow {
  static final String CHUNKED_CHANGE = "chunked-pre-import";
  static final int TAGS_PER_CHUNK = 1000;
  static final int CHUNKS_PER_RUN = 100;

  private ImportProgress progress = new ImportProgress(0, 0);

  @Override
  public ImportResult run(ImportRequest request) {
    int version = Workflow.getVersion(CHUNKED_CHANGE, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      return runAsOneActivity(request);
    }
    progress = new ImportProgress(request.resumeFromTag(), 0);
    return runToEnd(request, ImportStatuses.PRE, () -> importChunks(request));
  }

  @Override
  public ImportProgress progress() {
    return progress;
  }

  @Override
  ImportRequest continuation(ImportRequest request) {
    return request.resumingFrom(progress.tagsDone());
  }

  /** Null once this run has done its share of chunks: the workflow then continues as new. */
  private ImportCounts importChunks(ImportRequest request) {
    long next = request.resumeFromTag();
    for (int chunks = 0; ; chunks++) {
      if (chunks == CHUNKS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) {
        return null;
      }
      ImportChunk chunk = importing.importChunk(request, next, TAGS_PER_CHUNK);
      next = chunk.nextTag();
      progress = new ImportProgress(next, chunk.totalTags());
      if (next >= chunk.totalTags()) {
        return chunk.counts();
      }
    }
  }

  /** How runs started before the chunked import ran; kept so that they replay and finish unchanged. */
  private ImportResult runAsOneActivity(ImportRequest request) {
    ImportCounts counts;
    MigrationStatus next = MigrationStatus.PRE_IMPORT_COMPLETE;
    String error = null;
    try {
      counts = importing.preImport(request);
    } catch (ActivityFailure failure) {
      counts = ImportCounts.NONE;
      next = MigrationStatus.PRE_IMPORT_FAILED;
      error = ActivityFailures.describe(failure);
    }
    boolean applied =
        statusWrites.transitionStatus(
            new StatusTransition(
                request.repositoryPath(), request.ownerToken(), MigrationStatus.PRE_IMPORT_IN_PROGRESS, next, error));
    if (applied) {
      Workflow.upsertTypedSearchAttributes(DrydockSearchAttributes.MIGRATION_STATUS.valueSet(next.wireValue()));
    }
    return new ImportResult(next, applied, error, counts);
  }
}

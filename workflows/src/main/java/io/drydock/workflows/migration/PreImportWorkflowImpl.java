package io.drydock.workflows.migration;

import io.drydock.workflows.ActivityFailures;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * Imports the repository's tags in runs of at most {@link #TAGS_PER_RUN} tags, each one activity
 * that reads the tags directory once, so that the work is linear in the repository and a very large
 * repository continues as new instead of growing one history without bound.
 */
public final class PreImportWorkflowImpl extends ImportWorkflowSupport
    implements PreImportWorkflow {
  static final String CHUNKED_CHANGE = "chunked-pre-import";
  static final int TAGS_PER_CHUNK = 1000;
  static final int CHUNKS_PER_RUN = 100;

  /**
   * Runs read the tags directory once per run instead of listing and sorting every tag per chunk of
   * 1,000.
   */
  static final String STREAMED_CHANGE = "streamed-pre-import";

  /** As many as a chunked run imported. */
  static final long TAGS_PER_RUN = (long) CHUNKS_PER_RUN * TAGS_PER_CHUNK;

  private ImportProgress progress = new ImportProgress(0, 0);

  @Override
  public ImportResult run(ImportRequest request) {
    int version = Workflow.getVersion(CHUNKED_CHANGE, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      return runAsOneActivity(request);
    }
    boolean streamed = Workflow.getVersion(STREAMED_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1;
    progress = new ImportProgress(request.resumeFromTag(), 0);
    return runToEnd(
        request,
        ImportStatuses.PRE,
        () -> streamed ? importStreamed(request) : importChunks(request));
  }

  @Override
  public ImportProgress progress() {
    return progress;
  }

  @Override
  ImportRequest continuation(ImportRequest request) {
    return request.resumingFrom(progress.tagsDone());
  }

  /**
   * Null once this run has done its share of tags: the workflow then continues as new. The activity
   * imports the whole share unless its attempts run out; the progress query follows its
   * completions.
   */
  private ImportCounts importStreamed(ImportRequest request) {
    long next = request.resumeFromTag();
    long end = next + TAGS_PER_RUN;
    while (next < end && !Workflow.getInfo().isContinueAsNewSuggested()) {
      ImportChunk imported = importing.importTags(request, next, end - next);
      next = imported.nextTag();
      progress = new ImportProgress(next, imported.totalTags());
      if (next >= imported.totalTags()) {
        return imported.counts();
      }
    }
    return null;
  }

  /**
   * How runs started before the streamed import ran: null once this run has done its share of
   * chunks.
   */
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

  /**
   * How runs started before the chunked import ran; kept so that they replay and finish unchanged.
   */
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
                request.repositoryPath(),
                request.ownerToken(),
                MigrationStatus.PRE_IMPORT_IN_PROGRESS,
                next,
                error));
    if (applied) {
      Workflow.upsertTypedSearchAttributes(
          DrydockSearchAttributes.MIGRATION_STATUS.valueSet(next.wireValue()));
    }
    return new ImportResult(next, applied, error, counts);
  }
}

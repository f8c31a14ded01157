package io.drydock.workflows.migration;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Runs the pre-import activity, then records the outcome with a fenced compare-and-set. */
public final class PreImportWorkflowImpl implements PreImportWorkflow {
  /**
   * The import itself: a transient failure (database restart, storage hiccup) is retried with backoff; when the
   * retries are spent the repository is marked failed so the caller learns of it.
   */
  private final MigrationActivities importing =
      Workflow.newActivityStub(
          MigrationActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(12))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setMaximumAttempts(5)
                      .setDoNotRetry(MigrationFailures.FENCED_OUT)
                      .build())
              .build());

  /** Status writes must land eventually, or the repository would stay "in progress" forever: retry without limit. */
  private final MigrationActivities statusWrites =
      Workflow.newActivityStub(
          MigrationActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .build())
              .build());

  @Override
  public ImportResult run(ImportRequest request) {
    ImportCounts counts;
    try {
      counts = importing.preImport(request);
    } catch (ActivityFailure failure) {
      return finish(request, MigrationStatus.PRE_IMPORT_FAILED, MigrationFailures.describe(failure), ImportCounts.NONE);
    }
    return finish(request, MigrationStatus.PRE_IMPORT_COMPLETE, null, counts);
  }

  private ImportResult finish(ImportRequest request, MigrationStatus next, String error, ImportCounts counts) {
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

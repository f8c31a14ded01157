package io.drydock.workflows.migration;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What pre-import and final import share: how their activities run, and how a run ends. A run ends by writing its
 * status with a fenced compare-and-set, or, when canceled, by waiting until its activity has actually stopped and
 * then marking itself closed so the repository may be imported again at once.
 */
abstract class ImportWorkflowSupport {
  /**
   * The import work: transient failures (database restart, storage hiccup) are retried with backoff; when the
   * retries are spent the repository is marked failed so the caller learns of it. Cancellation waits for the
   * activity to confirm it stopped (it heartbeats at least every half second), so "closed" means closed.
   */
  final MigrationActivities importing =
      Workflow.newActivityStub(
          MigrationActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(12))
              .setHeartbeatTimeout(Duration.ofSeconds(10))
              .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setMaximumAttempts(5)
                      .setDoNotRetry(MigrationFailures.FENCED_OUT, MigrationFailures.INVALID_LEGACY_DATA)
                      .build())
              .build());

  /** Status writes must land eventually, or the repository would stay "in progress" forever: retry without limit. */
  final MigrationActivities statusWrites =
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

  /** Runs {@code work} and ends the run by what happened to it. */
  ImportResult runToEnd(ImportRequest request, ImportStatuses statuses, Supplier<ImportCounts> work) {
    ImportCounts counts;
    try {
      counts = work.get();
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof CanceledFailure canceled) {
        throw closeCanceled(request, statuses, canceled);
      }
      return finish(request, statuses.inProgress(), statuses.failed(), MigrationFailures.describe(failure), null);
    } catch (CanceledFailure canceled) {
      throw closeCanceled(request, statuses, canceled);
    }
    return finish(request, statuses.inProgress(), statuses.complete(), null, counts);
  }

  /**
   * Writes the run's final status. Runs in a detached scope: a cancel that arrives now must not leave the run
   * unclosed; if the cancel already changed the status, the compare-and-set refuses and the run just closes.
   */
  ImportResult finish(
      ImportRequest request, MigrationStatus expected, MigrationStatus next, String error, ImportCounts counts) {
    boolean[] applied = new boolean[1];
    Workflow.newDetachedCancellationScope(
            () ->
                applied[0] =
                    statusWrites.finishRun(
                        new StatusTransition(request.repositoryPath(), request.ownerToken(), expected, next, error)))
        .run();
    if (applied[0]) {
      Workflow.upsertTypedSearchAttributes(DrydockSearchAttributes.MIGRATION_STATUS.valueSet(next.wireValue()));
    }
    if (counts != null) {
      Workflow.upsertMemo(Map.of("manifests", counts.manifests(), "blobs", counts.blobs(), "tags", counts.tags()));
    }
    return new ImportResult(next, applied[0], error, counts == null ? ImportCounts.NONE : counts);
  }

  /** The API already wrote {@code *_canceled}; the run only has to say it has stopped, then end as canceled. */
  private CanceledFailure closeCanceled(ImportRequest request, ImportStatuses statuses, CanceledFailure canceled) {
    Workflow.newDetachedCancellationScope(() -> statusWrites.releaseRun(request)).run();
    Workflow.upsertTypedSearchAttributes(
        DrydockSearchAttributes.MIGRATION_STATUS.valueSet(statuses.canceled().wireValue()));
    return canceled;
  }

  /** The statuses a run of one import type moves through. */
  record ImportStatuses(
      MigrationStatus inProgress, MigrationStatus complete, MigrationStatus failed, MigrationStatus canceled) {
    static final ImportStatuses PRE =
        new ImportStatuses(
            MigrationStatus.PRE_IMPORT_IN_PROGRESS,
            MigrationStatus.PRE_IMPORT_COMPLETE,
            MigrationStatus.PRE_IMPORT_FAILED,
            MigrationStatus.PRE_IMPORT_CANCELED);
    static final ImportStatuses FINAL =
        new ImportStatuses(
            MigrationStatus.IMPORT_IN_PROGRESS,
            MigrationStatus.IMPORT_COMPLETE,
            MigrationStatus.IMPORT_FAILED,
            MigrationStatus.IMPORT_CANCELED);
  }
}

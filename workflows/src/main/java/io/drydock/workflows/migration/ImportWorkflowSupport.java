package io.drydock.workflows.migration;

import io.drydock.workflows.ActivityFailures;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What pre-import and final import share: how their activities run, and how a run ends. A run ends
 * by writing its status with a fenced compare-and-set, or, when canceled, by waiting until its
 * activity has actually stopped and then marking itself closed so the repository may be imported
 * again at once.
 */
abstract class ImportWorkflowSupport {
  static final String NOTIFY_CALLER_CHANGE = "notify-caller";
  static final String OPERATOR_SIGNALS_CHANGE = "operator-signals";

  /**
   * The import work: transient failures (database restart, storage hiccup) are retried with
   * backoff; when the retries are spent the repository is marked failed so the caller learns of it.
   * Cancellation waits for the activity to confirm it stopped (it heartbeats at least every half
   * second), so "closed" means closed.
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
                      .setDoNotRetry(
                          MigrationFailures.FENCED_OUT, MigrationFailures.INVALID_LEGACY_DATA)
                      .build())
              .build());

  /**
   * Status writes must land eventually, or the repository would stay "in progress" forever: retry
   * without limit.
   */
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

  /**
   * Notifications are retried with backoff until the receiver answers 200; the activity itself
   * gives up after the configured time, so the retries need no limit here.
   */
  private final CallerNotifications notifications =
      Workflow.newActivityStub(
          CallerNotifications.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .build())
              .build());

  private boolean retryRequested;
  private boolean cancelRequested;

  public void retry() {
    retryRequested = true;
  }

  public void cancel() {
    cancelRequested = true;
  }

  /**
   * The run's import work. Returns the counts, or null when the run has done its share and must
   * continue as new from {@link #continuation}.
   */
  interface ImportWork {
    ImportCounts run();
  }

  /** The request the next run of a workflow that continues as new starts with. */
  ImportRequest continuation(ImportRequest request) {
    throw new IllegalStateException(getClass().getSimpleName() + " does not continue as new");
  }

  /**
   * Runs {@code work} and ends the run by what happened to it. A failed run then waits, up to the
   * request's time, for an operator's {@code retry} (the repository goes back into progress and the
   * work runs again) or {@code cancel}.
   */
  ImportResult runToEnd(ImportRequest request, ImportStatuses statuses, ImportWork work) {
    if (Workflow.getVersion(OPERATOR_SIGNALS_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return attempt(request, statuses, work);
    }
    while (true) {
      ImportResult result = attemptCancelable(request, statuses, work);
      if (!result.applied()
          || result.status() != statuses.failed()
          || request.waitForOperatorSeconds() <= 0) {
        return result;
      }
      boolean signaled =
          Workflow.await(
              Duration.ofSeconds(request.waitForOperatorSeconds()),
              () -> retryRequested || cancelRequested);
      if (!signaled || cancelRequested) {
        return result;
      }
      boolean resumed =
          statusWrites.resumeRun(
              new StatusTransition(
                  request.repositoryPath(),
                  request.ownerToken(),
                  statuses.failed(),
                  statuses.inProgress(),
                  null));
      if (!resumed) {
        return result;
      }
      Workflow.upsertTypedSearchAttributes(
          DrydockSearchAttributes.MIGRATION_STATUS.valueSet(statuses.inProgress().wireValue()));
    }
  }

  /** How runs started before operator signals ran the work. */
  private ImportResult attempt(ImportRequest request, ImportStatuses statuses, ImportWork work) {
    ImportCounts counts;
    try {
      counts = work.run();
    } catch (ActivityFailure failure) {
      return endAfterFailure(request, statuses, failure);
    } catch (CanceledFailure canceled) {
      throw closeCanceled(request, statuses, canceled);
    }
    return endAfterSuccess(request, statuses, counts);
  }

  /**
   * Runs the work in a scope of its own, so that a {@code cancel} signal can do what {@code DELETE}
   * does: cancel the repository in the database (fencing the run out), then cancel the work and
   * wait for its activity to stop.
   */
  private ImportResult attemptCancelable(
      ImportRequest request, ImportStatuses statuses, ImportWork work) {
    // A retry sent from now on, while the attempt runs or reports its failure, is for the failure
    // to come.
    retryRequested = false;
    List<Promise<ImportCounts>> running = new ArrayList<>(1);
    CancellationScope scope =
        Workflow.newCancellationScope(() -> running.add(Async.function(work::run)));
    scope.run();
    Promise<ImportCounts> counts = running.get(0);
    boolean workflowCanceled = false;
    try {
      Workflow.await(() -> counts.isCompleted() || cancelRequested);
    } catch (CanceledFailure canceled) {
      // A DELETE canceled the workflow; the work's scope is canceled with it, and its promise says
      // when it stopped.
      workflowCanceled = true;
    }
    if (!workflowCanceled && !counts.isCompleted() && statusWrites.cancelRun(request)) {
      scope.cancel();
    }
    try {
      return endAfterSuccess(request, statuses, counts.get());
    } catch (ActivityFailure failure) {
      return endAfterFailure(request, statuses, failure);
    } catch (CanceledFailure canceled) {
      throw closeCanceled(request, statuses, canceled);
    }
  }

  private ImportResult endAfterSuccess(
      ImportRequest request, ImportStatuses statuses, ImportCounts counts) {
    if (counts == null) {
      Workflow.continueAsNew(continuation(request));
    }
    return finish(request, statuses.inProgress(), statuses.complete(), null, counts);
  }

  private ImportResult endAfterFailure(
      ImportRequest request, ImportStatuses statuses, ActivityFailure failure) {
    if (failure.getCause() instanceof CanceledFailure canceled) {
      throw closeCanceled(request, statuses, canceled);
    }
    return finish(
        request,
        statuses.inProgress(),
        statuses.failed(),
        ActivityFailures.describe(failure),
        null);
  }

  /**
   * Writes the run's final status. Runs in a detached scope: a cancel that arrives now must not
   * leave the run unclosed; if the cancel already changed the status, the compare-and-set refuses
   * and the run just closes.
   */
  ImportResult finish(
      ImportRequest request,
      MigrationStatus expected,
      MigrationStatus next,
      String error,
      ImportCounts counts) {
    boolean[] applied = new boolean[1];
    Workflow.newDetachedCancellationScope(
            () ->
                applied[0] =
                    statusWrites.finishRun(
                        new StatusTransition(
                            request.repositoryPath(), request.ownerToken(), expected, next, error)))
        .run();
    if (applied[0]) {
      Workflow.upsertTypedSearchAttributes(
          DrydockSearchAttributes.MIGRATION_STATUS.valueSet(next.wireValue()));
    }
    if (counts != null) {
      Workflow.upsertMemo(
          Map.of("manifests", counts.manifests(), "blobs", counts.blobs(), "tags", counts.tags()));
    }
    if (applied[0] && Workflow.getVersion(NOTIFY_CALLER_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      notifications.notifyCaller(request);
    }
    return new ImportResult(next, applied[0], error, counts == null ? ImportCounts.NONE : counts);
  }

  /**
   * The API already wrote {@code *_canceled}; the run only has to say it has stopped, then end as
   * canceled.
   */
  private CanceledFailure closeCanceled(
      ImportRequest request, ImportStatuses statuses, CanceledFailure canceled) {
    Workflow.newDetachedCancellationScope(() -> statusWrites.releaseRun(request)).run();
    Workflow.upsertTypedSearchAttributes(
        DrydockSearchAttributes.MIGRATION_STATUS.valueSet(statuses.canceled().wireValue()));
    return canceled;
  }

  /** The statuses a run of one import type moves through. */
  record ImportStatuses(
      MigrationStatus inProgress,
      MigrationStatus complete,
      MigrationStatus failed,
      MigrationStatus canceled) {
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

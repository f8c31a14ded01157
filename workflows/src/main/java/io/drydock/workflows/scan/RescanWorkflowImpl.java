package io.drydock.workflows.scan;

import io.drydock.workflows.ActivityFailures;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clair's indexer states as a workflow. Where Clair's controller persisted whatever report it held
 * when a load timed out (seed 000), here a failed load is an activity failure the retry policy
 * retries; the report is written in exactly two places: once complete ({@code indexManifest}) or as
 * an error that says what failed ({@code recordError}), and the store refuses to let an error
 * replace a finished report.
 */
public final class RescanWorkflowImpl implements RescanWorkflow {
  static final int MAX_PARALLEL_LAYERS = 4;

  /**
   * Timeouts and database errors are retried until the faults stop (bounded by the
   * schedule-to-close timeout, after which the run ends {@code IndexError} naming the failure, and
   * records it once it holds the manifest's status); outcomes retrying cannot change are not
   * retried.
   */
  private static final RetryOptions RETRY_TRANSIENT =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofMillis(500))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofSeconds(20))
          .setDoNotRetry(
              ScanFailures.SUPERSEDED, ScanFailures.MANIFEST_UNKNOWN, ScanFailures.LAYER_UNREADABLE)
          .build();

  private final ScanActivities database =
      Workflow.newActivityStub(
          ScanActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setScheduleToCloseTimeout(Duration.ofMinutes(30))
              .setRetryOptions(RETRY_TRANSIENT)
              .build());

  /**
   * Layer scans stream up to gigabytes: they heartbeat, so a dead worker is noticed within the
   * heartbeat timeout.
   */
  private final ScanActivities scanners =
      Workflow.newActivityStub(
          ScanActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(1))
              .setHeartbeatTimeout(Duration.ofSeconds(20))
              .setScheduleToCloseTimeout(Duration.ofHours(2))
              .setRetryOptions(RETRY_TRANSIENT)
              .build());

  /**
   * The error report must land eventually, or the status would stay "scanning": retried without
   * limit.
   */
  private final ScanActivities errorReports =
      Workflow.newActivityStub(
          ScanActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setDoNotRetry(ScanFailures.SUPERSEDED)
                      .build())
              .build());

  private String state = IndexerStates.CHECK_MANIFEST;

  @Override
  public RescanResult run(RescanRequest request) {
    String digest = request.manifestDigest();
    String runToken = Workflow.getInfo().getRunId();
    enter(IndexerStates.CHECK_MANIFEST);
    ManifestCheck check;
    try {
      check = database.checkManifest(digest, runToken, request.force());
    } catch (ActivityFailure failure) {
      // A failed check took no status (an unknown manifest, or a load that kept failing until the
      // schedule-to-close
      // timeout): the fence would refuse this run's error report, and the stored report must stay
      // as it is anyway.
      String error = ActivityFailures.describe(failure);
      enter(IndexerStates.INDEX_ERROR);
      return new RescanResult(digest, IndexerStates.INDEX_ERROR, false, false, error);
    }
    try {
      if (check.reusable()) {
        database.finishReused(digest, runToken);
        enter(IndexerStates.INDEX_FINISHED);
        return new RescanResult(digest, IndexerStates.INDEX_FINISHED, true, false, null);
      }
      enter(IndexerStates.FETCH_LAYERS);
      List<String> unscanned =
          database.fetchLayers(digest, runToken, check.indexState(), check.layers());
      enter(IndexerStates.SCAN_LAYERS);
      scanAll(unscanned, check.indexState());
      // Coalescing and storing run as one activity: the report is coalesced from the stored layer
      // results inside the
      // transaction that writes it, so what is written is always complete.
      enter(IndexerStates.INDEX_MANIFEST);
      database.indexManifest(digest, runToken, check.indexState(), check.layers());
      enter(IndexerStates.INDEX_FINISHED);
      return new RescanResult(digest, IndexerStates.INDEX_FINISHED, false, false, null);
    } catch (ActivityFailure failure) {
      if (ActivityFailures.isType(failure, ScanFailures.SUPERSEDED)) {
        return superseded(digest);
      }
      return recordError(digest, runToken, ActivityFailures.describe(failure));
    }
  }

  @Override
  public String state() {
    return state;
  }

  private void scanAll(List<String> layers, String indexState) {
    for (int from = 0; from < layers.size(); from += MAX_PARALLEL_LAYERS) {
      List<Promise<Void>> batch = new ArrayList<>();
      for (String layer :
          layers.subList(from, Math.min(layers.size(), from + MAX_PARALLEL_LAYERS))) {
        batch.add(Async.procedure(scanners::scanLayer, layer, indexState));
      }
      for (Promise<Void> scan : batch) {
        scan.get();
      }
    }
  }

  private RescanResult recordError(String digest, String runToken, String error) {
    try {
      errorReports.recordError(digest, runToken, error);
    } catch (ActivityFailure failure) {
      return superseded(digest);
    }
    enter(IndexerStates.INDEX_ERROR);
    return new RescanResult(digest, IndexerStates.INDEX_ERROR, false, false, error);
  }

  private RescanResult superseded(String digest) {
    Workflow.getLogger(RescanWorkflowImpl.class)
        .info("rescan of {} superseded by a newer run", digest);
    return new RescanResult(digest, state, false, true, null);
  }

  private void enter(String next) {
    state = next;
    Workflow.upsertTypedSearchAttributes(DrydockSearchAttributes.SCAN_STATE.valueSet(next));
  }
}

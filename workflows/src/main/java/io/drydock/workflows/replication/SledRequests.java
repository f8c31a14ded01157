package io.drydock.workflows.replication;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The replication workflow's activities, with the timeouts and retries each kind of work needs, and
 * the in-flight limit on requests to sleds. Workflow code: it only schedules activities and waits.
 */
final class SledRequests {
  /**
   * Database work: an activation can do nothing without it, so a database outage is waited out with
   * backoff; the pending activity in the Web UI shows the attempts and the last error meanwhile.
   */
  final ReplicationActivities database =
      stub(Duration.ofSeconds(30), null, Duration.ofSeconds(1), 0);

  /**
   * Config-then-list. A sled's failure is an answer, not an exception; what throws is the
   * activity's own trouble (the sled registry, a timeout), tried three times, after which the sled
   * counts as unreachable.
   */
  private final ReplicationActivities syncing =
      stub(Duration.ofSeconds(30), null, Duration.ofSeconds(1), 3);

  /**
   * Puts and copies stream artifacts of up to gigabytes and heartbeat while they do, so a stuck
   * transfer is noticed in 20 s however long a healthy one takes. A request that still throws after
   * its retries is a failed request: it is planned again.
   */
  private final ReplicationActivities transfers =
      stub(Duration.ofHours(1), Duration.ofSeconds(20), Duration.ofSeconds(5), 3);

  private final int limit;

  /**
   * @param maxRequestsInFlight requests to sleds running at once; at least one runs
   */
  SledRequests(int maxRequestsInFlight) {
    this.limit = Math.max(1, maxRequestsInFlight);
  }

  int limit() {
    return limit;
  }

  /**
   * Puts the config on every in-service sled and lists what it holds, all sleds at once within the
   * request limit.
   */
  List<SledReport> sync(DesiredArtifacts desired) {
    List<Functions.Func<Promise<SledReport>>> calls = new ArrayList<>();
    for (String sled : desired.inServiceSleds()) {
      calls.add(
          () ->
              recovering(
                  Async.function(
                      syncing::syncSled, sled, desired.generation(), desired.artifacts()),
                  failure ->
                      new SledReport(
                          sled,
                          SledReport.State.UNREACHABLE,
                          desired.generation(),
                          Map.of(),
                          describe(failure))));
    }
    return atMostInFlight(calls);
  }

  /**
   * Sends a round's requests within the limit and returns their outcomes in the order of the
   * requests.
   */
  List<RequestOutcome> sendRound(List<PlannedRequest> round, long generation) {
    List<Functions.Func<Promise<RequestOutcome>>> calls = new ArrayList<>();
    for (PlannedRequest request : round) {
      calls.add(() -> send(request, generation));
    }
    return atMostInFlight(calls);
  }

  /**
   * Starts one request; its promise holds the outcome, a failure once the activity's retries are
   * spent included.
   */
  Promise<RequestOutcome> send(PlannedRequest request, long generation) {
    return recovering(
        request.kind() == PlannedRequest.Kind.PUT
            ? Async.function(
                transfers::putArtifact, request.targetSledId(), generation, request.sha256())
            : Async.function(
                transfers::copyArtifact,
                request.targetSledId(),
                request.sourceSledId(),
                generation,
                request.sha256()),
        failure ->
            new RequestOutcome(
                request.kind().wireName(),
                request.targetSledId(),
                request.sourceSledId(),
                request.sha256(),
                generation,
                false,
                describe(failure),
                0));
  }

  static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  /** Starts the calls in order, never more than the limit unfinished at once, and waits for all. */
  private <T> List<T> atMostInFlight(List<Functions.Func<Promise<T>>> calls) {
    int[] inFlight = {0};
    List<Promise<T>> results = new ArrayList<>(calls.size());
    for (Functions.Func<Promise<T>> call : calls) {
      Workflow.await(() -> inFlight[0] < limit);
      inFlight[0]++;
      results.add(
          call.apply()
              .handle(
                  (result, failure) -> {
                    inFlight[0]--;
                    if (failure != null) {
                      throw failure;
                    }
                    return result;
                  }));
    }
    return results.stream().map(Promise::get).toList();
  }

  /** The activity's result, or what its failure means once its retries are spent. */
  private static <T> Promise<T> recovering(
      Promise<T> call, Function<ActivityFailure, T> onFailure) {
    return call.handle(
        (result, failure) -> {
          if (failure == null) {
            return result;
          }
          if (failure instanceof ActivityFailure activityFailure) {
            return onFailure.apply(activityFailure);
          }
          throw failure;
        });
  }

  /**
   * @param maximumAttempts 0 retries without limit
   */
  private static ReplicationActivities stub(
      Duration startToClose, Duration heartbeat, Duration firstRetry, int maximumAttempts) {
    return Workflow.newActivityStub(
        ReplicationActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(startToClose)
            .setHeartbeatTimeout(heartbeat)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(firstRetry)
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofMinutes(1))
                    .setMaximumAttempts(maximumAttempts)
                    .build())
            .build());
  }
}

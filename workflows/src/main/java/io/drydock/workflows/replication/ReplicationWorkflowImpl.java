package io.drydock.workflows.replication;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The one replication workflow of a deployment. It waits for an {@code activate} signal or its period, then runs an
 * activation: load the desired state, sync every in-service sled, free the local repositories that are replicated
 * enough, and replicate round by round, planning again after each round from what actually succeeded. Between
 * activations it continues as new before its history grows large, carrying its counters and any activation owed.
 */
public final class ReplicationWorkflowImpl implements ReplicationWorkflow {
  static final int HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW = 2000;
  /** After a stale view the activation is retried soon, doubling the wait up to the period while it stays stale. */
  static final Duration FIRST_RETRY_AFTER_STALE = Duration.ofSeconds(5);
  /** Rounds an activation may send beyond its first plan, to retry what failed. */
  static final int RETRY_ROUNDS = 3;

  static final String CONVERGED = "converged";
  static final String PARTIAL = "partial";
  static final String STALE = "stale";
  static final String NO_SLEDS = "no-sleds";
  /** The database work failed in a way its retries could not mend; the activation is retried like a stale one. */
  static final String FAILED = "failed";

  private static final Logger log = Workflow.getLogger(ReplicationWorkflowImpl.class);

  /**
   * Database work: an activation can do nothing without it, so a database outage is waited out with backoff; the
   * pending activity in the Web UI shows the attempts and the last error meanwhile.
   */
  private final ReplicationActivities database = stub(Duration.ofSeconds(30), null, Duration.ofSeconds(1), 0);

  /**
   * Config-then-list. A sled's failure is an answer, not an exception; what throws is the activity's own trouble (the
   * sled registry, a timeout), tried three times, after which the sled counts as unreachable.
   */
  private final ReplicationActivities syncing = stub(Duration.ofSeconds(30), null, Duration.ofSeconds(1), 3);

  /**
   * Puts and copies stream artifacts of up to gigabytes and heartbeat while they do, so a stuck transfer is noticed
   * in 20 s however long a healthy one takes. A request that still throws after its retries is a failed request: the
   * next round plans it again.
   */
  private final ReplicationActivities transfers =
      stub(Duration.ofHours(1), Duration.ofSeconds(20), Duration.ofSeconds(5), 3);

  private final int historyEventsBeforeContinueAsNew;
  private final Random random = Workflow.newRandom();

  private ReplicationSettings settings;
  private boolean paused;
  private boolean pendingActivation;
  private boolean activationRunning;
  private long activations;
  private long generation;
  private int earlyStopsInARow;
  private ReplicationCounters lifetime;
  private ActivationSummary lastRun;
  private List<String> lost;
  private List<LocalRepository> localRepositories;

  public ReplicationWorkflowImpl() {
    this(HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW);
  }

  /** Tests continue as new after a few events instead of thousands. */
  ReplicationWorkflowImpl(int historyEventsBeforeContinueAsNew) {
    this.historyEventsBeforeContinueAsNew = historyEventsBeforeContinueAsNew;
  }

  @Override
  public void run(ReplicationCarry carried) {
    settings = carried.settings();
    paused = carried.paused();
    pendingActivation = carried.pendingActivation();
    activations = carried.activations();
    lifetime = carried.lifetime();
    lastRun = carried.lastRun();
    generation = lastRun == null ? 0 : lastRun.generation();
    lost = carried.lost();
    localRepositories = carried.localRepositories() == null ? List.of() : carried.localRepositories();
    while (true) {
      awaitActivation();
      if (continueAsNewDue()) {
        // Signal handlers only set flags, but a handler still running when the run ends would lose its signal.
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(
            new ReplicationCarry(
                settings,
                paused,
                pendingActivation || earlyStopsInARow > 0,
                activations,
                lifetime,
                lastRun,
                lost,
                localRepositories));
      }
      pendingActivation = false;
      activationRunning = true;
      try {
        runActivation();
      } finally {
        activationRunning = false;
      }
    }
  }

  @Override
  public void activate() {
    pendingActivation = true;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public ReplicationStatus status() {
    return new ReplicationStatus(
        settings, paused, activationRunning, activations, generation, lifetime, lastRun, localRepositories, lost);
  }

  /**
   * Returns when an activation is due and not paused, or when the run should continue as new. The period's timer
   * fires while paused only marks the activation as owed: resume runs it.
   */
  private void awaitActivation() {
    if (!pendingActivation) {
      boolean woken = awaitOrTimeout(nextWait(), () -> pendingActivation || continueAsNewDue());
      if (!woken) {
        pendingActivation = true;
      }
    }
    Workflow.await(() -> (pendingActivation && !paused) || continueAsNewDue());
  }

  private Duration nextWait() {
    Duration period = Duration.ofSeconds(settings.activationPeriodSeconds());
    if (earlyStopsInARow == 0) {
      return period;
    }
    Duration backoff = FIRST_RETRY_AFTER_STALE.multipliedBy(1L << Math.min(earlyStopsInARow - 1, 16));
    return backoff.compareTo(period) < 0 ? backoff : period;
  }

  /**
   * Like {@code Workflow.await(Duration, condition)}, but cancels the timer when the condition wins, so that the timer
   * of a wait a signal ended never fires into the history later.
   */
  private static boolean awaitOrTimeout(Duration timeout, Functions.Func<Boolean> condition) {
    List<Promise<Boolean>> fired = new ArrayList<>(1);
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> fired.add(Workflow.newTimer(timeout).handle((ignored, canceled) -> canceled == null)));
    scope.run();
    Workflow.await(() -> fired.get(0).isCompleted() || condition.apply());
    if (fired.get(0).isCompleted()) {
      return false;
    }
    scope.cancel();
    return true;
  }

  /** @param maximumAttempts 0 retries without limit */
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

  private boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > historyEventsBeforeContinueAsNew;
  }

  private void runActivation() {
    activations++;
    Activation activation = new Activation(Workflow.currentTimeMillis());
    try {
      replicate(activation);
    } catch (ActivityFailure failure) {
      log.warn("replication activation failed: {}", describe(failure));
      activation.outcome = FAILED;
    }
    earlyStopsInARow = STALE.equals(activation.outcome) || FAILED.equals(activation.outcome) ? earlyStopsInARow + 1 : 0;
    lifetime = lifetime.plus(activation.counters);
    lastRun =
        new ActivationSummary(
            activation.startedAtMillis,
            Workflow.currentTimeMillis(),
            generation,
            activation.outcome,
            activation.rounds,
            activation.counters,
            activation.unreachableSleds,
            activation.freedRepositories);
  }

  private void replicate(Activation activation) {
    DesiredArtifacts desired = database.loadDesiredArtifacts();
    generation = desired.generation();
    localRepositories = desired.localRepositories();
    upsertIfChanged(DrydockSearchAttributes.ARTIFACT_GENERATION, String.valueOf(generation));

    List<SledReport> reports = sync(desired, activation);
    if (reports.stream().anyMatch(report -> report.state() == SledReport.State.STALE)) {
      // A sled knows a newer generation than we read: planning on this view could undo a newer upload's work.
      activation.outcome = STALE;
      return;
    }
    FleetView fleet = FleetView.of(desired, reports, settings.minSledReplication());
    activation.unreachableSleds = fleet.unreachableSleds();
    ReplicationPlan first = ReplicationPlanner.plan(fleet, random.nextLong());
    reportLost(first);

    for (String repository : first.freeableRepositories()) {
      if (database.freeLocalCopies(repository, generation)) {
        activation.freedRepositories.add(repository);
      }
    }
    fleet = fleet.withoutRepositories(activation.freedRepositories);
    localRepositories = fleet.localRepositories();

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, random.nextLong());
    Set<PlannedRequest> failed = new HashSet<>();
    int maxRounds = plan.rounds().size() + RETRY_ROUNDS;
    while (!plan.nothingToSend() && activation.rounds < maxRounds) {
      List<PlannedRequest> round = plan.rounds().get(0);
      List<RequestOutcome> outcomes = send(round);
      activation.rounds++;
      // Outcomes come back in the order of the requests; what failed is known by the request the workflow sent.
      for (int i = 0; i < round.size(); i++) {
        activation.count(round.get(i), outcomes.get(i));
        if (!outcomes.get(i).ok()) {
          failed.add(round.get(i));
        }
      }
      fleet = fleet.afterOutcomes(outcomes);
      plan = ReplicationPlanner.plan(fleet, failed, random.nextLong());
      if (outcomes.stream().noneMatch(RequestOutcome::ok)) {
        break;
      }
    }
    if (fleet.inServiceSleds() == 0) {
      activation.outcome = NO_SLEDS;
    } else if (plan.nothingToSend() && fleet.unreachableSleds().isEmpty() && lost.isEmpty()) {
      activation.outcome = CONVERGED;
    } else {
      activation.outcome = PARTIAL;
    }
  }

  /** Puts the config on every in-service sled and lists what it holds, all sleds at once within the request limit. */
  private List<SledReport> sync(DesiredArtifacts desired, Activation activation) {
    List<Functions.Func<Promise<SledReport>>> calls = new ArrayList<>();
    for (String sled : desired.inServiceSleds()) {
      calls.add(
          () ->
              recovering(
                  Async.function(syncing::syncSled, sled, desired.generation(), desired.artifacts()),
                  failure ->
                      new SledReport(
                          sled, SledReport.State.UNREACHABLE, desired.generation(), Map.of(), describe(failure))));
    }
    List<SledReport> reports = atMostInFlight(calls);
    reports.forEach(activation::count);
    return reports;
  }

  private List<RequestOutcome> send(List<PlannedRequest> round) {
    List<Functions.Func<Promise<RequestOutcome>>> calls = new ArrayList<>();
    for (PlannedRequest request : round) {
      calls.add(
          () ->
              recovering(
                  request.kind() == PlannedRequest.Kind.PUT
                      ? Async.function(transfers::putArtifact, request.targetSledId(), generation, request.sha256())
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
                          0)));
    }
    return atMostInFlight(calls);
  }

  /** Starts the calls in order, never more than {@code maxRequestsInFlight} unfinished at once, and waits for all. */
  private <T> List<T> atMostInFlight(List<Functions.Func<Promise<T>>> calls) {
    int limit = Math.max(1, settings.maxRequestsInFlight());
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
  private static <T> Promise<T> recovering(Promise<T> call, Function<ActivityFailure, T> onFailure) {
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

  /** Lost artifacts are reported on every activation until they come back or stop being referenced. */
  private void reportLost(ReplicationPlan plan) {
    lost = plan.lost();
    for (String artifact : lost) {
      log.warn(
          "artifact {} is lost: referenced at generation {}, on no sled and not in the local depot",
          artifact,
          generation);
    }
    for (String artifact : plan.unavailable()) {
      log.warn(
          "artifact {} is unavailable: on no reachable sled, not in the local depot; an unreachable sled may have it",
          artifact);
    }
    // The SDK's workflow scope reports nothing while a history replays: the gauge is the latest activation's count.
    Workflow.getMetricsScope().gauge("drydock_replication_lost_artifacts").update(lost.size());
    List<String> attribute = Workflow.getTypedSearchAttributes().get(DrydockSearchAttributes.LOST_ARTIFACTS);
    if (!lost.equals(attribute == null ? List.of() : attribute)) {
      Workflow.upsertTypedSearchAttributes(DrydockSearchAttributes.LOST_ARTIFACTS.valueSet(lost));
    }
  }

  private static void upsertIfChanged(SearchAttributeKey<String> key, String value) {
    if (!Objects.equals(Workflow.getTypedSearchAttributes().get(key), value)) {
      Workflow.upsertTypedSearchAttributes(key.valueSet(value));
    }
  }

  private static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  /** What one activation did so far. */
  private static final class Activation {
    final long startedAtMillis;
    String outcome;
    int rounds;
    ReplicationCounters counters = ReplicationCounters.zero();
    List<String> unreachableSleds = List.of();
    final List<String> freedRepositories = new ArrayList<>();

    Activation(long startedAtMillis) {
      this.startedAtMillis = startedAtMillis;
    }

    /**
     * A sync is a config put, then a list. The report does not say which step an unreachable sled failed at, so the
     * failure counts against the config put, the first step; a stale report is the sled refusing our config.
     */
    void count(SledReport report) {
      boolean listed = report.state() == SledReport.State.LISTED;
      counters = counters.plus(new ReplicationCounters(1, listed ? 0 : 1, listed ? 1 : 0, 0, 0, 0, 0, 0, 0));
    }

    void count(PlannedRequest request, RequestOutcome outcome) {
      boolean put = request.kind() == PlannedRequest.Kind.PUT;
      int failure = outcome.ok() ? 0 : 1;
      counters =
          counters.plus(
              new ReplicationCounters(
                  0,
                  0,
                  0,
                  0,
                  put ? 1 : 0,
                  put ? failure : 0,
                  put ? 0 : 1,
                  put ? 0 : failure,
                  outcome.bytesSentByDepot()));
    }
  }
}

package io.drydock.workflows.replication;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;

/**
 * The one replication workflow of a deployment. It waits for an {@code activate} signal or its
 * period, then runs an activation: load the desired state, sync every in-service sled, free the
 * local repositories that are replicated enough, and replicate: a {@link ReplicationPipeline} hands
 * out each request as soon as its source holds the artifact and a slot is free (runs that started
 * before it replicate round by round). Between activations it continues as new before its history
 * grows large, carrying its counters and any activation owed.
 */
public final class ReplicationWorkflowImpl implements ReplicationWorkflow {
  static final int HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW = 2000;

  /**
   * Workflow.getVersion change id: from {@link #PIPELINED} on, an activation replicates without
   * rounds.
   */
  static final String PIPELINED_CHANGE = "pipelined-replication";

  static final int PIPELINED = 1;

  /**
   * Workflow.getVersion change id: from {@link #RECOPY} on, a pipelined activation sends an
   * artifact again to a sled that lists it on fewer than {@link FleetView#EXPECTED_COPIES} disks.
   */
  static final String RECOPY_CHANGE = "recopy-incomplete";

  static final int RECOPY = 1;

  static final String CONVERGED = "converged";
  static final String PARTIAL = "partial";
  static final String STALE = "stale";
  static final String NO_SLEDS = "no-sleds";

  /**
   * The database work failed in a way its retries could not mend; the activation is retried like a
   * stale one.
   */
  static final String FAILED = "failed";

  private static final Logger log = Workflow.getLogger(ReplicationWorkflowImpl.class);

  private final int historyEventsBeforeContinueAsNew;
  private final Random random = Workflow.newRandom();

  private ReplicationSettings settings;
  private SledRequests requests;
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
    requests = new SledRequests(settings.maxRequestsInFlight());
    paused = carried.paused();
    pendingActivation = carried.pendingActivation();
    activations = carried.activations();
    lifetime = carried.lifetime();
    lastRun = carried.lastRun();
    generation = lastRun == null ? 0 : lastRun.generation();
    lost = carried.lost();
    localRepositories =
        carried.localRepositories() == null ? List.of() : carried.localRepositories();
    while (true) {
      awaitActivation();
      if (continueAsNewDue()) {
        // Signal handlers only set flags, but a handler still running when the run ends would lose
        // its signal.
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
        settings,
        paused,
        activationRunning,
        activations,
        generation,
        lifetime,
        lastRun,
        localRepositories,
        lost);
  }

  /**
   * Returns when an activation is due and not paused, or when the run should continue as new. The
   * period's timer fires while paused only marks the activation as owed: resume runs it.
   */
  private void awaitActivation() {
    if (!pendingActivation) {
      Duration wait =
          ActivationWait.next(
              Duration.ofSeconds(settings.activationPeriodSeconds()), earlyStopsInARow);
      boolean woken =
          ActivationWait.awaitOrTimeout(wait, () -> pendingActivation || continueAsNewDue());
      if (!woken) {
        pendingActivation = true;
      }
    }
    Workflow.await(() -> (pendingActivation && !paused) || continueAsNewDue());
  }

  private boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > historyEventsBeforeContinueAsNew;
  }

  private void runActivation() {
    activations++;
    ActivationProgress activation = new ActivationProgress(Workflow.currentTimeMillis());
    try {
      replicate(activation);
    } catch (ActivityFailure failure) {
      log.warn("replication activation failed: {}", SledRequests.describe(failure));
      activation.outcome = FAILED;
    }
    earlyStopsInARow =
        STALE.equals(activation.outcome) || FAILED.equals(activation.outcome)
            ? earlyStopsInARow + 1
            : 0;
    lifetime = lifetime.plus(activation.counters);
    lastRun = activation.summary(Workflow.currentTimeMillis(), generation);
  }

  private void replicate(ActivationProgress activation) {
    DesiredArtifacts desired = requests.database.loadDesiredArtifacts();
    generation = desired.generation();
    localRepositories = desired.localRepositories();
    upsertIfChanged(DrydockSearchAttributes.ARTIFACT_GENERATION, String.valueOf(generation));

    List<SledReport> reports = requests.sync(desired);
    reports.forEach(activation::count);
    if (reports.stream().anyMatch(report -> report.state() == SledReport.State.STALE)) {
      // A sled knows a newer generation than we read: planning on this view could undo a newer
      // upload's work.
      activation.outcome = STALE;
      return;
    }
    FleetView fleet = FleetView.of(desired, reports, settings.minSledReplication());
    activation.unreachableSleds = fleet.unreachableSleds();
    ReplicationPlan first = ReplicationPlanner.plan(fleet, random.nextLong());
    reportLost(first);

    for (String repository : first.freeableRepositories()) {
      if (requests.database.freeLocalCopies(repository, generation)) {
        activation.freedRepositories.add(repository);
      }
    }
    fleet = fleet.withoutRepositories(activation.freedRepositories);
    localRepositories = fleet.localRepositories();

    // Histories recorded before pipelining replay the rounds they ran.
    int version = Workflow.getVersion(PIPELINED_CHANGE, Workflow.DEFAULT_VERSION, PIPELINED);
    fleet =
        version == PIPELINED
            ? ActivationRequests.pipelined(fleet, activation, requests, generation, random)
            : ActivationRequests.inRounds(fleet, activation, requests, generation, random);
    if (fleet.inServiceSleds() == 0) {
      activation.outcome = NO_SLEDS;
    } else if (nothingLeftToSend(fleet) && fleet.unreachableSleds().isEmpty() && lost.isEmpty()) {
      activation.outcome = CONVERGED;
    } else {
      activation.outcome = PARTIAL;
    }
  }

  /**
   * Whether every artifact that can be replicated is everywhere it should be. The seed only orders
   * the requests, so a fixed one asks this without drawing from the workflow's generator, whose
   * draws replay must repeat exactly.
   */
  private static boolean nothingLeftToSend(FleetView fleet) {
    return ReplicationPlanner.plan(fleet, 0).nothingToSend();
  }

  /**
   * Lost artifacts are reported on every activation until they come back or stop being referenced.
   */
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
    // The SDK's workflow scope reports nothing while a history replays: the gauge is the latest
    // activation's count.
    Workflow.getMetricsScope().gauge("drydock_replication_lost_artifacts").update(lost.size());
    List<String> attribute =
        Workflow.getTypedSearchAttributes().get(DrydockSearchAttributes.LOST_ARTIFACTS);
    if (!lost.equals(attribute == null ? List.of() : attribute)) {
      Workflow.upsertTypedSearchAttributes(DrydockSearchAttributes.LOST_ARTIFACTS.valueSet(lost));
    }
  }

  private static void upsertIfChanged(SearchAttributeKey<String> key, String value) {
    if (!Objects.equals(Workflow.getTypedSearchAttributes().get(key), value)) {
      Workflow.upsertTypedSearchAttributes(key.valueSet(value));
    }
  }
}

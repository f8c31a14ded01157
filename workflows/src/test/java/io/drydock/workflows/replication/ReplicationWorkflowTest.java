package io.drydock.workflows.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicationWorkflowTest {
  private static final ReplicationSettings SETTINGS = ReplicationSettings.defaults();
  private static final String[] FIVE_SLEDS = {"sled-a", "sled-b", "sled-c", "sled-d", "sled-e"};

  private TestWorkflowEnvironment environment;
  private WorkflowClient client;
  private String startedRunId;
  private final FakeFleet fleet = new FakeFleet();

  @AfterEach
  void stopEnvironment() {
    environment.close();
  }

  @Test
  void oneActivationReplicatesEverythingAndTheNextFreesTheLocalCopies() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x", "y", "z");
    start(SETTINGS);

    ReplicationStatus first = awaitActivations(1);

    assertEverySledHolds(FIVE_SLEDS, "x", "y", "z");
    assertThat(first.lastRun().outcome()).isEqualTo("converged");
    assertThat(first.lastRun().counters())
        .isEqualTo(new ReplicationCounters(5, 0, 5, 0, 3, 0, 12, 0, 3 * FakeFleet.ARTIFACT_BYTES));
    assertThat(first.lastRun().freedRepositories()).isEmpty();
    assertThat(first.localRepositories())
        .extracting(LocalRepository::repositoryId)
        .containsExactly("repo-1");
    assertThat(fleet.depotRepositories()).containsExactly("repo-1");

    workflow().activate();
    ReplicationStatus second = awaitActivations(2);

    assertThat(second.lastRun().freedRepositories()).containsExactly("repo-1");
    assertThat(second.lastRun().counters().artifactPuts() + second.lastRun().counters().copies())
        .isZero();
    assertThat(second.localRepositories()).isEmpty();
    assertThat(fleet.depotRepositories()).isEmpty();
    assertThat(second.lifetime().artifactPuts()).isEqualTo(3);
    assertThat(second.generation()).isEqualTo(2);
    assertThat(searchAttributes().get(DrydockSearchAttributes.ARTIFACT_GENERATION)).isEqualTo("2");
    recordHistory("replication-pipelined-two-activations.json");
  }

  @Test
  void theDepotSendsEachArtifactOnceAndSledsCopyTheRestAmongThemselves() {
    String[] sleds = IntStream.range(0, 16).mapToObj(i -> "sled-" + i).toArray(String[]::new);
    fleet.withSleds(sleds).upload("repo-1", "w", "x", "y", "z");
    start(SETTINGS);

    ReplicationStatus status = awaitActivations(1);

    assertThat(fleet.successfulPuts()).isEqualTo(Map.of("w", 1, "x", 1, "y", 1, "z", 1));
    assertThat(status.lastRun().counters().copies()).isEqualTo(4 * 15);
    assertThat(status.lastRun().counters().bytesSentByDepot())
        .isEqualTo(4 * FakeFleet.ARTIFACT_BYTES);
    assertThat(status.lastRun().rounds())
        .as("one put round, then holders double: 1+log2(16)")
        .isEqualTo(5);
    assertEverySledHolds(sleds, "w", "x", "y", "z");
  }

  @Test
  void aCopyStartsAsSoonAsItsSourceHoldsTheArtifactWithoutWaitingForAnUnrelatedSlowerCopy() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x", "slow");
    fleet.holdCopiesOf("slow");
    start(SETTINGS);

    // Rounds would hold x's second and third copies behind the first copy of "slow".
    awaitFleet(
        () -> Arrays.stream(FIVE_SLEDS).allMatch(sled -> fleet.heldBy(sled).contains("x")),
        "x on every sled");
    assertThat(Arrays.stream(FIVE_SLEDS).filter(sled -> fleet.heldBy(sled).contains("slow")))
        .hasSize(1);
    fleet.releaseCopies();
    ReplicationStatus status = awaitActivations(1);

    assertThat(status.lastRun().outcome()).isEqualTo("converged");
    assertEverySledHolds(FIVE_SLEDS, "slow", "x");
    assertThat(fleet.successfulPuts()).isEqualTo(Map.of("x", 1, "slow", 1));
    assertThat(fleet.mostServedAtOnce())
        .as("a holder serves one copy of an artifact at a time")
        .isOne();
  }

  @Test
  void aSledThatWasDownGetsEverythingWhenItIsBack() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x", "y");
    fleet.setUnreachable("sled-c", true);
    start(SETTINGS);

    ReplicationStatus down = awaitActivations(1);

    assertThat(down.lastRun().outcome()).isEqualTo("partial");
    assertThat(down.lastRun().unreachableSleds()).containsExactly("sled-c");
    assertThat(fleet.heldBy("sled-c")).isEmpty();
    assertThat(fleet.requests()).noneMatch(request -> request.targetSledId().equals("sled-c"));
    assertThat(fleet.heldBy("sled-d")).containsExactly("x", "y");

    fleet.setUnreachable("sled-c", false);
    workflow().activate();
    ReplicationStatus back = awaitActivations(2);

    assertThat(back.lastRun().outcome()).isEqualTo("converged");
    assertThat(fleet.heldBy("sled-c")).containsExactly("x", "y");
    assertThat(back.lastRun().counters().artifactPuts())
        .as("the sleds serve the copies, not the depot")
        .isZero();
    assertThat(fleet.successfulPuts()).isEqualTo(Map.of("x", 1, "y", 1));
  }

  @Test
  void aStaleReportStopsTheActivationBeforeAnyRequestAndTheRetryProceeds() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x");
    fleet.configureNewer("sled-b");
    start(SETTINGS);

    ReplicationStatus stale = awaitActivations(1);

    assertThat(stale.lastRun().outcome()).isEqualTo("stale");
    assertThat(fleet.requests()).isEmpty();
    assertThat(fleet.freed()).isEmpty();

    // The upload that configured sled-b reaches the database; the retry, five seconds later, sees
    // it.
    fleet.bumpGeneration(3);
    environment.sleep(ActivationWait.FIRST_RETRY_AFTER_STALE.plusSeconds(1));
    ReplicationStatus retried = awaitActivations(2);

    assertThat(retried.lastRun().outcome()).isEqualTo("converged");
    assertThat(retried.generation()).isEqualTo(3);
    assertEverySledHolds(FIVE_SLEDS, "x");
  }

  @Test
  void aLostArtifactIsInTheStatusAndTheSearchAttributeUntilItIsUploadedAgain() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x");
    fleet.referenceWithoutCopies("gone");
    start(SETTINGS);

    ReplicationStatus lost = awaitActivations(1);

    assertThat(lost.lost()).containsExactly("gone");
    assertThat(lost.lastRun().outcome()).isEqualTo("partial");
    assertThat(searchAttributes().get(DrydockSearchAttributes.LOST_ARTIFACTS))
        .containsExactly("gone");
    assertThat(fleet.heldBy("sled-a")).containsExactly("x");

    fleet.upload("repo-2", "gone");
    workflow().activate();
    ReplicationStatus found = awaitActivations(2);

    assertThat(found.lost()).isEmpty();
    assertThat(searchAttributes().get(DrydockSearchAttributes.LOST_ARTIFACTS)).isNullOrEmpty();
    assertThat(fleet.heldBy("sled-a")).containsExactly("gone", "x");
  }

  @Test
  void pauseDefersNewActivationsButLetsTheRunningOneFinishAndResumeRunsWhatWasDeferred() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x");
    fleet.holdRequests();
    start(SETTINGS);
    fleet.awaitRequestWaiting();

    workflow().pause();
    fleet.releaseRequests();
    ReplicationStatus finished = awaitActivations(1);

    assertThat(finished.paused()).isTrue();
    assertThat(finished.lastRun().outcome()).isEqualTo("converged");

    fleet.upload("repo-2", "y");
    workflow().activate();
    environment.sleep(Duration.ofSeconds(SETTINGS.activationPeriodSeconds() * 2));

    ReplicationStatus paused = workflow().status();
    assertThat(paused.activations())
        .as("neither the signal nor the period starts an activation")
        .isEqualTo(1);
    assertThat(fleet.heldBy("sled-a")).containsExactly("x");

    workflow().resume();
    ReplicationStatus resumed = awaitActivations(2);

    assertThat(resumed.paused()).isFalse();
    assertThat(fleet.heldBy("sled-a")).containsExactly("x", "y");
  }

  @Test
  void theActivationPeriodStartsAnActivationWithoutASignal() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x");
    start(SETTINGS);
    awaitActivations(1);
    fleet.upload("repo-2", "y");

    environment.sleep(Duration.ofSeconds(SETTINGS.activationPeriodSeconds() + 1));
    awaitActivations(2);

    assertThat(fleet.heldBy("sled-e")).containsExactly("x", "y");
  }

  @Test
  void continueAsNewKeepsTheCountersTheLostListAndASignalThatWasNotServedYet() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x", "y");
    fleet.referenceWithoutCopies("gone");
    start(SETTINGS, 40);
    ReplicationStatus first = awaitActivations(1);
    awaitStatus(
        status -> !runId().equals(startedRunId), "the run to continue as new after its activation");

    workflow().pause();
    fleet.upload("repo-2", "z");
    workflow().activate();
    String pausedRun = runId();
    // Signals grow the history of the paused run until it continues as new with the activation
    // still owed.
    for (int signals = 0; signals < 200 && runId().equals(pausedRun); signals++) {
      pauseCurrentRun();
    }
    ReplicationStatus carried =
        awaitStatus(status -> !runId().equals(pausedRun), "the paused run to continue as new");
    assertThat(carried.paused()).isTrue();
    assertThat(carried.activations()).isEqualTo(1);
    assertThat(carried.lifetime()).isEqualTo(first.lifetime());
    assertThat(carried.lost()).containsExactly("gone");
    assertThat(carried.localRepositories())
        .extracting(LocalRepository::repositoryId)
        .containsExactly("repo-1");

    workflow().resume();
    ReplicationStatus second = awaitActivations(2);

    assertThat(fleet.heldBy("sled-a")).containsExactly("x", "y", "z");
    assertThat(second.lifetime().artifactPuts()).isEqualTo(3);
    assertThat(second.lifetime().configPuts()).isEqualTo(10);
  }

  @Test
  void neverMoreRequestsInFlightThanTheSettingAllows() {
    String[] sleds = IntStream.range(0, 12).mapToObj(i -> "sled-" + i).toArray(String[]::new);
    fleet.withSleds(sleds).upload("repo-1", "t", "u", "v", "w", "x", "y");
    start(new ReplicationSettings(300, 3, 3));

    ReplicationStatus status = awaitActivations(1);

    assertThat(status.lastRun().outcome()).isEqualTo("converged");
    assertThat(fleet.mostInFlight())
        .isLessThanOrEqualTo(3)
        .as("requests do run in parallel")
        .isGreaterThan(1);
  }

  @Test
  void aFailedPutIsPutAgainAndAPutThatThrowsIsAFailedRequest() {
    fleet.withSleds(FIVE_SLEDS).upload("repo-1", "x", "y", "z");
    fleet.failFirstPut("x");
    fleet.throwOnFirstPut("y");
    start(SETTINGS);

    ReplicationStatus status = awaitActivations(1);

    assertThat(status.lastRun().outcome()).isEqualTo("converged");
    assertThat(status.lastRun().counters().artifactPuts()).isEqualTo(5);
    assertThat(status.lastRun().counters().artifactPutFailures()).isEqualTo(2);
    assertThat(fleet.successfulPuts()).isEqualTo(Map.of("x", 1, "y", 1, "z", 1));
    assertEverySledHolds(FIVE_SLEDS, "x", "y", "z");
  }

  @Test
  void withNoSledInServiceNothingIsSentOrFreed() {
    fleet.upload("repo-1", "x");
    start(SETTINGS);

    ReplicationStatus status = awaitActivations(1);

    assertThat(status.lastRun().outcome()).isEqualTo("no-sleds");
    assertThat(status.lost()).isEmpty();
    assertThat(fleet.freed()).isEmpty();
    assertThat(fleet.requests()).isEmpty();
  }

  private void assertEverySledHolds(String[] sleds, String... artifacts) {
    for (String sled : sleds) {
      assertThat(fleet.heldBy(sled)).as(sled).containsExactly(artifacts);
    }
  }

  private void start(ReplicationSettings settings) {
    start(settings, ReplicationWorkflowImpl.HISTORY_EVENTS_BEFORE_CONTINUE_AS_NEW);
  }

  /**
   * Starts the worker, then the workflow as the API does: signal-with-start of {@code activate}.
   */
  private void start(ReplicationSettings settings, int historyEventsBeforeContinueAsNew) {
    environment = TestWorkflowEnvironment.newInstance();
    DrydockSearchAttributes.all().forEach(environment::registerSearchAttribute);
    Worker worker = environment.newWorker(ReplicationWorkflows.TASK_QUEUE);
    worker.registerWorkflowImplementationFactory(
        ReplicationWorkflow.class,
        () -> new ReplicationWorkflowImpl(historyEventsBeforeContinueAsNew));
    worker.registerActivitiesImplementations(fleet);
    environment.start();
    client = environment.getWorkflowClient();
    ReplicationWorkflow workflow =
        client.newWorkflowStub(
            ReplicationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ReplicationWorkflows.WORKFLOW_ID)
                .setTaskQueue(ReplicationWorkflows.TASK_QUEUE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::run, ReplicationCarry.first(settings));
    request.add(workflow::activate);
    startedRunId = client.signalWithStart(request).getRunId();
  }

  /** The latest run of the fixed id, whichever it is after continue-as-new. */
  private ReplicationWorkflow workflow() {
    return client.newWorkflowStub(ReplicationWorkflow.class, ReplicationWorkflows.WORKFLOW_ID);
  }

  /**
   * Signals pause to the current run. The Java test server answers "Completed workflow" to a signal
   * that arrives while a run is handing over to its continuation (the real server routes it to the
   * new run); it is sent again.
   */
  private void pauseCurrentRun() {
    for (int attempt = 1; ; attempt++) {
      try {
        workflow().pause();
        return;
      } catch (WorkflowNotFoundException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private ReplicationStatus awaitActivations(long activations) {
    return awaitStatus(
        status ->
            status.activations() == activations
                && !status.activationRunning()
                && status.lastRun() != null,
        activations + " activations to finish");
  }

  private void awaitFleet(BooleanSupplier done, String what) {
    awaitStatus(status -> done.getAsBoolean(), what);
  }

  /**
   * Polls in real time: the activities run on real threads while the test environment skips
   * workflow time.
   */
  private ReplicationStatus awaitStatus(Predicate<ReplicationStatus> done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ReplicationStatus status = workflow().status();
    while (!done.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last status: " + status);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      status = workflow().status();
    }
    return status;
  }

  private String runId() {
    return client
        .newUntypedWorkflowStub(ReplicationWorkflows.WORKFLOW_ID)
        .describe()
        .getExecution()
        .getRunId();
  }

  private SearchAttributes searchAttributes() {
    return client
        .newUntypedWorkflowStub(ReplicationWorkflows.WORKFLOW_ID)
        .describe()
        .getTypedSearchAttributes();
  }

  /**
   * Saves the history under target/recorded-histories; the replay test's fixture in
   * src/test/resources/histories is a copy of it, refreshed by copying after a change to the
   * workflow.
   */
  private void recordHistory(String fileName) {
    String history = client.fetchHistory(ReplicationWorkflows.WORKFLOW_ID).toJson(true);
    try {
      Path directory = Files.createDirectories(Path.of("target/recorded-histories"));
      Files.writeString(directory.resolve(fileName), history);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

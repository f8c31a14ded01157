package io.drydock.workflows.scan;

import static io.drydock.workflows.scan.ScanTestEnvironment.digest;
import static io.drydock.workflows.scan.ScanTestEnvironment.layer;
import static io.drydock.workflows.scan.ScanTestEnvironment.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.scan.FakeScanStore.Report;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BulkRescanWorkflowTest {
  private static final String NAME = "index-state-scanners-v2";
  private static final String WORKFLOW_ID = ScanWorkflows.bulkRescanWorkflowId(NAME);

  private final ScanTestEnvironment scan = new ScanTestEnvironment();
  private final FakeScanStore store = scan.store;

  @AfterEach
  void stopEnvironment() {
    scan.close();
  }

  @Test
  void aScannerUpgradeReindexesEveryManifestOnceAndNeverMoreAtOnceThanAsked() {
    List<String> manifests = addManifests(0, 250, "group/app", FakeScanStore.OLD_SCANNERS_REPORT);
    store.scanMillis = 2;

    scan.startBulk(NAME, new BulkRescanRequest(null, false, 7, null, null));
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(result).isEqualTo(new BulkRescanProgress("finished", 250, 250, 0));
    assertThat(store.checkedManifests).containsExactlyInAnyOrderElementsOf(manifests);
    assertThat(store.reportWrites).hasSize(250);
    store.assertNoEmptyOrPartialReportWritten();
    assertThat(store.maxRescansInProgress())
        .as("manifests being rescanned at once")
        .isBetween(2, 7);
    assertEndedWith(result);
  }

  /**
   * Base images sit in many repositories, so the bulk rescans after their imports cover the same
   * manifests at once: each manifest is indexed once, the second bulk rescan joining the rescan the
   * first runs instead of racing it.
   */
  @Test
  void twoBulkRescansOverTheSameManifestsIndexEachOnceAndCountWhatTheyJoined() {
    addManifests(0, 40, "group/app", FakeScanStore.OLD_SCANNERS_REPORT);
    store.scanMillis = 40;

    scan.startBulk("first", new BulkRescanRequest(null, false, 40, null, null));
    scan.startBulk("second", new BulkRescanRequest(null, false, 40, null, null));
    BulkRescanProgress first =
        scan.result(ScanWorkflows.bulkRescanWorkflowId("first"), BulkRescanProgress.class);
    BulkRescanProgress second =
        scan.result(ScanWorkflows.bulkRescanWorkflowId("second"), BulkRescanProgress.class);

    assertThat(store.reportWrites).as("report writes").hasSize(40);
    assertThat(first.joined() + second.joined()).as("manifests joined").isPositive();
    for (BulkRescanProgress bulk : List.of(first, second)) {
      assertThat(bulk.failed()).isZero();
      assertThat(bulk.done() + bulk.joined()).isEqualTo(40);
    }
  }

  @Test
  void aManifestThatCannotBeIndexedCountsAsFailedAndTheRestAsDone() {
    addManifests(0, 20, "group/app", null);
    store.unreadableLayers.add(layer("own-7"));

    scan.startBulk(NAME, new BulkRescanRequest(null, false, 4, null, null));
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(result).isEqualTo(new BulkRescanProgress("finished", 20, 19, 1));
    assertThat(store.report(digest(7)).state()).isEqualTo(IndexerStates.INDEX_ERROR);
    assertEndedWith(result);
  }

  @Test
  void aRepositoryFilterRescansOnlyThatRepositorysManifests() {
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 30; i += 3) {
      addManifests(i, 1, "group/other", null);
      addManifests(i + 1, 1, "group/other", null);
      wanted.addAll(addManifests(i + 2, 1, "group/wanted", null));
    }

    scan.startBulk(NAME, new BulkRescanRequest("group/wanted", false, 3, null, null));
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(result).isEqualTo(new BulkRescanProgress("finished", 10, 10, 0));
    assertThat(store.checkedManifests).containsExactlyInAnyOrderElementsOf(wanted);
    assertThat(store.repositoryFilters).isNotEmpty().containsOnly("group/wanted");
  }

  @Test
  void aPausedBulkRescanStartsNothingNewUntilResumedThenFinishesTheRest() {
    List<String> manifests = addManifests(0, 30, "group/app", null);
    CountDownLatch checksHeld = new CountDownLatch(1);
    BulkRescanWorkflow bulk = startWithThreeRescansHeld(checksHeld);

    bulk.pause();
    until(() -> bulk.progress().state().equals("paused"), "the pause to be seen");
    checksHeld.countDown();
    until(() -> bulk.progress().done() == 3, "the running rescans to finish");

    assertThat(store.checkCalls).as("rescans started while paused").hasSize(3);
    assertThat(bulk.progress()).isEqualTo(new BulkRescanProgress("paused", 30, 3, 0));

    bulk.resume();
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(scan.childrenStartedBetweenSignals(WORKFLOW_ID, "pause", "resume")).isZero();
    assertThat(result).isEqualTo(new BulkRescanProgress("finished", 30, 30, 0));
    assertThat(store.checkedManifests).containsExactlyInAnyOrderElementsOf(manifests);
  }

  @Test
  void aCanceledBulkRescanLetsRunningRescansFinishStartsNoOtherAndEndsCanceled() {
    addManifests(0, 30, "group/app", null);
    CountDownLatch checksHeld = new CountDownLatch(1);
    BulkRescanWorkflow bulk = startWithThreeRescansHeld(checksHeld);

    bulk.cancel();
    until(() -> bulk.progress().state().equals("canceling"), "the cancel to be seen");
    checksHeld.countDown();
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(result).isEqualTo(new BulkRescanProgress("canceled", 30, 3, 0));
    assertThat(store.checkCalls).hasSize(3);
    assertThat(store.reportWrites).hasSize(3);
    assertThat(scan.childrenStartedBetweenSignals(WORKFLOW_ID, "cancel", null)).isZero();
    assertEndedWith(result);
  }

  @Test
  void aBulkRescanLongerThanOneRunContinuesAsNewWithExactCountsAndRescansEachManifestOnce() {
    int count = 2 * BulkRescanWorkflowImpl.RESCANS_PER_RUN + 100;
    List<String> manifests = addManifests(0, count, "group/app", null);
    manifests.forEach(manifest -> store.storeReport(manifest, store.completeReport(manifest)));

    BulkRescanWorkflow bulk =
        scan.startBulk(NAME, new BulkRescanRequest(null, false, 50, null, null));
    BulkRescanProgress result = scan.result(WORKFLOW_ID, BulkRescanProgress.class);

    assertThat(result).isEqualTo(new BulkRescanProgress("finished", count, count, 0));
    assertThat(store.checkedManifests)
        .hasSize(count)
        .containsExactlyInAnyOrderElementsOf(manifests);
    assertThat(store.reportWrites).as("every report was current").isEmpty();
    List<HistoryEvent> firstRun =
        scan.client()
            .fetchHistory(WORKFLOW_ID, WorkflowStub.fromTyped(bulk).getExecution().getRunId())
            .getEvents();
    assertThat(firstRun.get(firstRun.size() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertEndedWith(result);
  }

  /**
   * Starts a bulk rescan three at a time and returns once its first three rescans wait for {@code
   * checksHeld}.
   */
  private BulkRescanWorkflow startWithThreeRescansHeld(CountDownLatch checksHeld) {
    store.checkGate = checksHeld;
    BulkRescanWorkflow bulk =
        scan.startBulk(NAME, new BulkRescanRequest(null, false, 3, null, null));
    until(() -> store.checkCalls.size() == 3, "three rescans to start");
    return bulk;
  }

  /**
   * Manifests {@code from} .. {@code from + count - 1}, each a shared base layer and its own layer.
   */
  private List<String> addManifests(int from, int count, String repository, Report stored) {
    List<String> added = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      store.addManifest(digest(i), repository, List.of(layer("base"), layer("own-" + i)));
      if (stored != null) {
        store.storeReport(digest(i), stored);
      }
      added.add(digest(i));
    }
    return added;
  }

  private void assertEndedWith(BulkRescanProgress result) {
    assertThat(scan.client().newWorkflowStub(BulkRescanWorkflow.class, WORKFLOW_ID).progress())
        .isEqualTo(result);
    assertThat(scan.searchAttribute(WORKFLOW_ID, DrydockSearchAttributes.RESCAN_TOTAL))
        .isEqualTo(result.total());
    assertThat(scan.searchAttribute(WORKFLOW_ID, DrydockSearchAttributes.RESCAN_DONE))
        .isEqualTo(result.done());
    assertThat(scan.searchAttribute(WORKFLOW_ID, DrydockSearchAttributes.RESCAN_FAILED))
        .isEqualTo(result.failed());
  }
}

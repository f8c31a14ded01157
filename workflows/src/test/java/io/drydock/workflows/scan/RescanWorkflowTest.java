package io.drydock.workflows.scan;

import static io.drydock.workflows.scan.ScanTestEnvironment.digest;
import static io.drydock.workflows.scan.ScanTestEnvironment.layer;
import static io.drydock.workflows.scan.ScanTestEnvironment.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.scan.FakeScanStore.Report;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RescanWorkflowTest {
  private static final String MANIFEST = digest(1);
  private static final String WORKFLOW_ID = ScanWorkflows.rescanWorkflowId(MANIFEST);
  private static final List<String> LAYERS = List.of(layer("base"), layer("app"));

  private final ScanTestEnvironment scan = new ScanTestEnvironment();
  private final FakeScanStore store = scan.store;

  @AfterEach
  void stopEnvironment() {
    scan.close();
  }

  @Test
  void aFinishedReportOfTheCurrentScannersIsReusedWithoutScanningOrWriting() {
    Report current = storeCurrentReport();

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result)
        .isEqualTo(new RescanResult(MANIFEST, IndexerStates.INDEX_FINISHED, true, false, null));
    assertThat(store.scannedLayers).isEmpty();
    assertThat(store.reportWrites).isEmpty();
    assertThat(store.report(MANIFEST)).isEqualTo(current);
    assertThat(store.status(MANIFEST).state()).isEqualTo("finished");
    assertEndedIn(IndexerStates.INDEX_FINISHED);
  }

  @Test
  void aReportOfOlderScannersIsReplacedOnceScanningOnlyUnscannedLayersAFewAtATime() {
    List<String> layers = IntStream.range(0, 10).mapToObj(i -> layer("l" + i)).toList();
    store.addManifest(MANIFEST, "group/app", layers);
    store.storeReport(MANIFEST, FakeScanStore.OLD_SCANNERS_REPORT);
    layers
        .subList(0, 3)
        .forEach(cached -> store.storeLayerResult(cached, FakeScanStore.CURRENT_INDEX_STATE));
    store.scanMillis = 100;

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result)
        .isEqualTo(new RescanResult(MANIFEST, IndexerStates.INDEX_FINISHED, false, false, null));
    assertThat(store.scannedLayers)
        .as("layers without a result of the current scanners")
        .containsExactlyInAnyOrderElementsOf(layers.subList(3, 10));
    assertThat(store.maxScansRunning()).isBetween(2, RescanWorkflowImpl.MAX_PARALLEL_LAYERS);
    assertThat(store.reportWrites)
        .singleElement()
        .satisfies(write -> assertThat(write.report()).isEqualTo(store.completeReport(MANIFEST)));
    assertThat(store.report(MANIFEST)).isEqualTo(store.completeReport(MANIFEST));
    assertThat(store.status(MANIFEST).state()).isEqualTo("finished");
    assertEndedIn(IndexerStates.INDEX_FINISHED);
  }

  /** Seed 000: Clair stored its empty report when this load timed out, and served it forever. */
  @Test
  void aStoredReportWhoseLoadTimesOutIsLoadedAgainAndReusedNeverOverwritten() {
    Report good = storeCurrentReport();
    store.loadTimeouts.set(2);

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(store.checkCalls).as("two timed-out loads, then one that answered").hasSize(3);
    assertThat(result.reused()).isTrue();
    assertThat(store.reportWrites).isEmpty();
    assertThat(store.report(MANIFEST)).isEqualTo(good);
    assertThat(scan.rescan(MANIFEST).reused())
        .as("the next rescan still finds the good report")
        .isTrue();
    assertEndedIn(IndexerStates.INDEX_FINISHED);
  }

  @Test
  void aLoadThatNeverAnswersEndsInErrorAndLeavesTheStoredReportAlone() {
    Report good = storeCurrentReport();
    store.loadTimeouts.set(Integer.MAX_VALUE);

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result.state()).isEqualTo(IndexerStates.INDEX_ERROR);
    assertThat(result.superseded()).as("no other run took the manifest").isFalse();
    assertThat(result.error()).as("the load's last failure").isEqualTo("timeout");
    assertThat(store.reportWrites).isEmpty();
    assertThat(store.report(MANIFEST)).isEqualTo(good);
    assertEndedIn(IndexerStates.INDEX_ERROR);
  }

  @Test
  void aTransientFailureToStoreTheReportIsRetriedAndTheReportWrittenOnce() {
    store.addManifest(MANIFEST, "group/app", LAYERS);
    store.indexFailures.set(3);

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result)
        .isEqualTo(new RescanResult(MANIFEST, IndexerStates.INDEX_FINISHED, false, false, null));
    assertThat(store.reportWrites)
        .singleElement()
        .satisfies(write -> assertThat(write.report()).isEqualTo(store.completeReport(MANIFEST)));
    store.assertNoEmptyOrPartialReportWritten();
    assertEndedIn(IndexerStates.INDEX_FINISHED);
  }

  @Test
  void anUnreadableLayerEndsInAnErrorNamingItAndTheFinishedReportStays() {
    store.addManifest(MANIFEST, "group/app", LAYERS);
    store.storeReport(MANIFEST, FakeScanStore.OLD_SCANNERS_REPORT);
    store.unreadableLayers.add(layer("app"));

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result.state()).isEqualTo(IndexerStates.INDEX_ERROR);
    assertThat(result.error()).contains(layer("app"), "truncated");
    assertThat(store.recordedErrors).containsExactly(result.error());
    assertThat(store.status(MANIFEST).state()).isEqualTo("failed");
    assertThat(store.status(MANIFEST).error()).isEqualTo(result.error());
    assertThat(store.reportWrites).as("a good report is never replaced by a worse one").isEmpty();
    assertThat(store.report(MANIFEST)).isEqualTo(FakeScanStore.OLD_SCANNERS_REPORT);
    assertEndedIn(IndexerStates.INDEX_ERROR);
  }

  @Test
  void anUnreadableLayerOfANeverIndexedManifestStoresAnErrorReportThatSaysWhy() {
    store.addManifest(MANIFEST, "group/app", LAYERS);
    store.unreadableLayers.add(layer("base"));

    RescanResult result = scan.rescan(MANIFEST);

    assertThat(store.reportWrites)
        .singleElement()
        .satisfies(
            write -> {
              assertThat(write.report().state()).isEqualTo(IndexerStates.INDEX_ERROR);
              assertThat(write.report().error()).isEqualTo(result.error()).contains(layer("base"));
            });
    store.assertNoEmptyOrPartialReportWritten();
    assertEndedIn(IndexerStates.INDEX_ERROR);
  }

  @Test
  void aRunOvertakenByANewerRunOfTheManifestWritesNothingMore() {
    store.addManifest(MANIFEST, "group/app", List.of(layer("slow")));
    CountDownLatch slowScan = new CountDownLatch(1);
    store.firstScanGate = slowScan;
    scan.startRescan(WORKFLOW_ID, MANIFEST, false);
    until(() -> store.scansStarted() == 1, "the first run's scan to start");

    String newerId =
        ScanWorkflows.childWorkflowId(ScanWorkflows.bulkRescanWorkflowId("operator"), MANIFEST);
    RescanWorkflow newer = scan.startRescan(newerId, MANIFEST, true);
    RescanResult newerResult = scan.result(newerId, RescanResult.class);
    slowScan.countDown();
    RescanResult overtaken = scan.result(WORKFLOW_ID, RescanResult.class);

    assertThat(newerResult.state()).isEqualTo(IndexerStates.INDEX_FINISHED);
    assertThat(overtaken.superseded()).isTrue();
    String newerToken = WorkflowStub.fromTyped(newer).getExecution().getRunId();
    assertThat(store.reportWrites)
        .singleElement()
        .satisfies(write -> assertThat(write.runToken()).isEqualTo(newerToken));
    assertThat(store.status(MANIFEST))
        .isEqualTo(new FakeScanStore.ScanStatus(newerToken, "finished", null));
    assertThat(store.recordedErrors).isEmpty();
  }

  @Test
  void anUnknownManifestEndsInErrorWithoutWritingAnything() {
    RescanResult result = scan.rescan(MANIFEST);

    assertThat(result.state()).isEqualTo(IndexerStates.INDEX_ERROR);
    assertThat(result.superseded()).isFalse();
    assertThat(result.error()).contains(MANIFEST, "not in the registry");
    assertThat(store.reportWrites).isEmpty();
    assertThat(store.status(MANIFEST)).isNull();
    assertEndedIn(IndexerStates.INDEX_ERROR);
  }

  /** The manifest, with a finished report of the current scanners. */
  private Report storeCurrentReport() {
    store.addManifest(MANIFEST, "group/app", LAYERS);
    Report current = store.completeReport(MANIFEST);
    store.storeReport(MANIFEST, current);
    return current;
  }

  private void assertEndedIn(String state) {
    assertThat(scan.client().newWorkflowStub(RescanWorkflow.class, WORKFLOW_ID).state())
        .isEqualTo(state);
    assertThat(scan.searchAttribute(WORKFLOW_ID, DrydockSearchAttributes.SCAN_STATE))
        .isEqualTo(state);
  }
}

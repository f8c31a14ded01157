package io.drydock.workflows.scan;

import static io.drydock.workflows.scan.ScanTestEnvironment.digest;
import static io.drydock.workflows.scan.ScanTestEnvironment.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the histories {@link ScanReplayTest} replays, from runs on the test server against {@link
 * FakeScanStore}. Regenerate them only when a change to the workflows is meant to be incompatible
 * with runs in flight (and so ships behind {@code Workflow.getVersion} or a new workflow type), or
 * to add a history:
 *
 * <pre>
 * ./mvnw -q -pl workflows -am test -Dtest=ScanHistoryRecorder -Ddrydock.recordHistories=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It writes workflows/src/test/resources/histories/rescan-*.json and bulk-rescan-*.json; commit
 * them.
 */
@EnabledIfSystemProperty(named = "drydock.recordHistories", matches = "true")
class ScanHistoryRecorder {
  private static final Path HISTORIES = Path.of("src/test/resources/histories");
  private static final String MANIFEST = digest(1);

  /** The bulk rescan's name: its children's workflow ids derive from it, so replaying needs it. */
  static final String BULK_NAME = "recorded";

  @Test
  void recordScanHistories() throws IOException {
    recordRescan(
        "rescan-indexed.json",
        store -> {
          List<String> layers = IntStream.range(0, 6).mapToObj(i -> layer("l" + i)).toList();
          store.addManifest(MANIFEST, "group/app", layers);
          store.storeReport(MANIFEST, FakeScanStore.OLD_SCANNERS_REPORT);
          store.storeLayerResult(layers.get(0), FakeScanStore.CURRENT_INDEX_STATE);
          store.indexFailures.set(1);
        });
    recordRescan(
        "rescan-reused-after-load-timeouts.json",
        store -> {
          store.addManifest(MANIFEST, "group/app", List.of(layer("base")));
          store.storeReport(MANIFEST, store.completeReport(MANIFEST));
          store.loadTimeouts.set(2);
        });
    recordRescan(
        "rescan-error-recorded.json",
        store -> {
          store.addManifest(MANIFEST, "group/app", List.of(layer("base"), layer("broken")));
          store.unreadableLayers.add(layer("broken"));
        });
    recordRescan("rescan-manifest-unknown.json", store -> {});
    try (ScanTestEnvironment scan = new ScanTestEnvironment()) {
      for (int i = 0; i < 20; i++) {
        scan.store.addManifest(digest(i), "group/app", List.of(layer("base"), layer("own-" + i)));
      }
      scan.store.unreadableLayers.add(layer("own-13"));
      scan.startBulk(BULK_NAME, new BulkRescanRequest(null, false, 4, null, null));
      String workflowId = ScanWorkflows.bulkRescanWorkflowId(BULK_NAME);
      scan.result(workflowId, BulkRescanProgress.class);
      save(scan, workflowId, "bulk-rescan-with-failed-child.json");
    }
  }

  private static void recordRescan(String file, Consumer<FakeScanStore> setUp) throws IOException {
    try (ScanTestEnvironment scan = new ScanTestEnvironment()) {
      setUp.accept(scan.store);
      scan.rescan(MANIFEST);
      save(scan, ScanWorkflows.rescanWorkflowId(MANIFEST), file);
    }
  }

  private static void save(ScanTestEnvironment scan, String workflowId, String file)
      throws IOException {
    Files.writeString(HISTORIES.resolve(file), scan.client().fetchHistory(workflowId).toJson(true));
  }
}

package io.drydock.workflows.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry database, legacy blobs and scanners in memory, keeping the contract of {@link
 * ScanActivities}: every write is fenced by the run token that took the manifest's status, an error
 * never replaces a finished report, and a failed call changes nothing. Records every report write
 * so tests can prove nothing empty or partial is ever stored, and has knobs for the faults a real
 * store produces.
 */
final class FakeScanStore implements ScanActivities {
  static final String CURRENT_INDEX_STATE = "scanners-v2";
  static final String OLD_INDEX_STATE = "scanners-v1";

  /** A stored index report; {@code packages} is what the layers' results coalesce to. */
  record Report(
      String state, boolean success, String indexState, Set<String> packages, String error) {
    static Report finished(String indexState, Set<String> packages) {
      return new Report(IndexerStates.INDEX_FINISHED, true, indexState, packages, null);
    }
  }

  /** A finished report the scanners made before their upgrade: a rescan must index again. */
  static final Report OLD_SCANNERS_REPORT =
      Report.finished(OLD_INDEX_STATE, Set.of("package-from-an-older-scanner"));

  record ReportWrite(String manifestDigest, String runToken, Report report) {}

  /**
   * @param state {@code scheduled}, {@code scanning}, {@code finished} or {@code failed}
   */
  record ScanStatus(String runToken, String state, String error) {
    boolean inProgress() {
      return "scheduled".equals(state) || "scanning".equals(state);
    }
  }

  private record Manifest(String repository, List<String> layers) {}

  private final NavigableMap<String, Manifest> manifests = new TreeMap<>();
  private final Map<String, Report> reports = new HashMap<>();
  private final Map<String, ScanStatus> statuses = new HashMap<>();
  private final Map<String, Set<String>> layerResults = new ConcurrentHashMap<>();

  final List<ReportWrite> reportWrites = new CopyOnWriteArrayList<>();
  final List<String> checkCalls = new CopyOnWriteArrayList<>();
  final List<String> checkedManifests = new CopyOnWriteArrayList<>();
  final List<String> scannedLayers = new CopyOnWriteArrayList<>();
  final List<String> recordedErrors = new CopyOnWriteArrayList<>();
  final List<String> repositoryFilters = new CopyOnWriteArrayList<>();

  /** checkManifest's load of the stored report throws a plain "timeout" this many more times. */
  final AtomicInteger loadTimeouts = new AtomicInteger();

  /** indexManifest throws a transient database error this many more times. */
  final AtomicInteger indexFailures = new AtomicInteger();

  final Set<String> unreadableLayers = ConcurrentHashMap.newKeySet();

  /** Real time each layer scan takes, so that concurrent scans overlap. */
  volatile long scanMillis;

  /** When set, checkManifest waits for it: the test holds rescans at their first step. */
  volatile CountDownLatch checkGate;

  /**
   * When set, the first layer scan waits for it while later ones run: a slow scan another run
   * overtakes.
   */
  volatile CountDownLatch firstScanGate;

  private final AtomicInteger scansStarted = new AtomicInteger();
  private final AtomicInteger scansRunning = new AtomicInteger();
  private final AtomicInteger maxScansRunning = new AtomicInteger();
  private int rescansInProgress;
  private int maxRescansInProgress;

  synchronized void addManifest(String digest, String repository, List<String> layers) {
    manifests.put(digest, new Manifest(repository, List.copyOf(layers)));
  }

  synchronized void storeReport(String digest, Report report) {
    reports.put(digest, report);
  }

  void storeLayerResult(String layer, String indexState) {
    layerResults.put(layer + "@" + indexState, packagesOf(layer));
  }

  synchronized Report report(String digest) {
    return reports.get(digest);
  }

  synchronized ScanStatus status(String digest) {
    return statuses.get(digest);
  }

  /** The report a complete index of the manifest's layers by the current scanner set stores. */
  synchronized Report completeReport(String digest) {
    return Report.finished(CURRENT_INDEX_STATE, coalesce(manifests.get(digest).layers()));
  }

  int scansStarted() {
    return scansStarted.get();
  }

  int maxScansRunning() {
    return maxScansRunning.get();
  }

  synchronized int maxRescansInProgress() {
    return maxRescansInProgress;
  }

  /**
   * The lesson of seed 000: every write is a complete report, or an error report that says what
   * failed.
   */
  void assertNoEmptyOrPartialReportWritten() {
    for (ReportWrite write : reportWrites) {
      Report report = write.report();
      if (IndexerStates.INDEX_FINISHED.equals(report.state())) {
        assertThat(report)
            .as("finished report written for %s", write.manifestDigest())
            .isEqualTo(completeReport(write.manifestDigest()));
      } else {
        assertThat(report.state())
            .as("state of a report written for %s", write.manifestDigest())
            .isEqualTo(IndexerStates.INDEX_ERROR);
        assertThat(report.error())
            .as("error of a report written for %s", write.manifestDigest())
            .isNotBlank();
      }
    }
  }

  @Override
  public ManifestCheck checkManifest(String manifestDigest, String runToken, boolean force) {
    checkCalls.add(manifestDigest);
    awaitGate(checkGate);
    synchronized (this) {
      Manifest manifest = known(manifestDigest);
      if (loadTimeouts.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        throw new RuntimeException("timeout");
      }
      Report stored = reports.get(manifestDigest);
      boolean reusable =
          !force
              && stored != null
              && IndexerStates.INDEX_FINISHED.equals(stored.state())
              && stored.success()
              && CURRENT_INDEX_STATE.equals(stored.indexState());
      ScanStatus previous =
          statuses.put(manifestDigest, new ScanStatus(runToken, "scheduled", null));
      if (previous == null || !previous.inProgress()) {
        rescansInProgress++;
        maxRescansInProgress = Math.max(maxRescansInProgress, rescansInProgress);
      }
      checkedManifests.add(manifestDigest);
      return new ManifestCheck(reusable, CURRENT_INDEX_STATE, manifest.layers());
    }
  }

  @Override
  public synchronized List<String> fetchLayers(
      String manifestDigest, String runToken, String indexState, List<String> layers) {
    fence(manifestDigest, runToken);
    statuses.put(manifestDigest, new ScanStatus(runToken, "scanning", null));
    return layers.stream()
        .filter(layer -> !layerResults.containsKey(layer + "@" + indexState))
        .toList();
  }

  @Override
  public void scanLayer(String layerDigest, String indexState) {
    int running = scansRunning.incrementAndGet();
    maxScansRunning.accumulateAndGet(running, Math::max);
    try {
      if (scansStarted.incrementAndGet() == 1) {
        awaitGate(firstScanGate);
      }
      sleep(scanMillis);
      if (unreadableLayers.contains(layerDigest)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "layer " + layerDigest + " is truncated: unexpected end of tar archive",
            ScanFailures.LAYER_UNREADABLE);
      }
      layerResults.put(layerDigest + "@" + indexState, packagesOf(layerDigest));
      scannedLayers.add(layerDigest);
    } finally {
      scansRunning.decrementAndGet();
    }
  }

  @Override
  public synchronized int indexManifest(
      String manifestDigest, String runToken, String indexState, List<String> layers) {
    if (indexFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      throw new RuntimeException("connection reset while storing the report");
    }
    ScanStatus status = fence(manifestDigest, runToken);
    if ("finished".equals(status.state())) {
      return reports.get(manifestDigest).packages().size();
    }
    for (String layer : layers) {
      if (!layerResults.containsKey(layer + "@" + indexState)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "layer " + layer + " was never scanned", "IllegalState");
      }
    }
    Report report = Report.finished(indexState, coalesce(layers));
    write(manifestDigest, runToken, report);
    finish(manifestDigest, new ScanStatus(runToken, "finished", null));
    return report.packages().size();
  }

  @Override
  public synchronized void finishReused(String manifestDigest, String runToken) {
    fence(manifestDigest, runToken);
    finish(manifestDigest, new ScanStatus(runToken, "finished", null));
  }

  @Override
  public synchronized void recordError(String manifestDigest, String runToken, String error) {
    fence(manifestDigest, runToken);
    recordedErrors.add(error);
    Report stored = reports.get(manifestDigest);
    if (stored == null || !IndexerStates.INDEX_FINISHED.equals(stored.state())) {
      write(
          manifestDigest,
          runToken,
          new Report(IndexerStates.INDEX_ERROR, false, null, Set.of(), error));
    }
    finish(manifestDigest, new ScanStatus(runToken, "failed", error));
  }

  @Override
  public synchronized ManifestPage listManifests(String repository, String after, int limit) {
    repositoryFilters.add(String.valueOf(repository));
    List<String> digests = new ArrayList<>();
    Map<String, Manifest> candidates = after == null ? manifests : manifests.tailMap(after, false);
    for (Map.Entry<String, Manifest> entry : candidates.entrySet()) {
      if (repository == null || repository.equals(entry.getValue().repository())) {
        if (digests.size() == limit) {
          return new ManifestPage(digests, digests.get(limit - 1));
        }
        digests.add(entry.getKey());
      }
    }
    return new ManifestPage(digests, null);
  }

  @Override
  public synchronized long countManifests(String repository) {
    repositoryFilters.add(String.valueOf(repository));
    return manifests.values().stream()
        .filter(manifest -> repository == null || repository.equals(manifest.repository()))
        .count();
  }

  private Manifest known(String manifestDigest) {
    Manifest manifest = manifests.get(manifestDigest);
    if (manifest == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "manifest " + manifestDigest + " is not in the registry", ScanFailures.MANIFEST_UNKNOWN);
    }
    return manifest;
  }

  private ScanStatus fence(String manifestDigest, String runToken) {
    known(manifestDigest);
    ScanStatus status = statuses.get(manifestDigest);
    if (status == null || !status.runToken().equals(runToken)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the scan of " + manifestDigest + " belongs to another run", ScanFailures.SUPERSEDED);
    }
    return status;
  }

  private void write(String manifestDigest, String runToken, Report report) {
    reports.put(manifestDigest, report);
    reportWrites.add(new ReportWrite(manifestDigest, runToken, report));
  }

  private void finish(String manifestDigest, ScanStatus finished) {
    if (statuses.put(manifestDigest, finished).inProgress()) {
      rescansInProgress--;
    }
  }

  private Set<String> coalesce(List<String> layers) {
    Set<String> packages = new LinkedHashSet<>();
    for (String layer : layers) {
      packages.addAll(packagesOf(layer));
    }
    return packages;
  }

  private static Set<String> packagesOf(String layer) {
    return Set.of("package-from-" + layer);
  }

  /** Heartbeats while it waits, as a real long-running activity does. */
  private static void awaitGate(CountDownLatch gate) {
    if (gate == null) {
      return;
    }
    try {
      while (!gate.await(100, TimeUnit.MILLISECONDS)) {
        Activity.getExecutionContext().heartbeat(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    if (millis == 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

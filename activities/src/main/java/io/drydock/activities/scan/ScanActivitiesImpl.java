package io.drydock.activities.scan;

import io.drydock.activities.failures.ExpectedFailure;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.activities.scan.indexer.LayerScanner;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.workflows.scan.ManifestCheck;
import io.drydock.workflows.scan.ManifestPage;
import io.drydock.workflows.scan.ScanActivities;
import io.drydock.workflows.scan.ScanFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan activities over the registry database, the legacy storage's blobs and the current
 * scanner set.
 */
public final class ScanActivitiesImpl implements ScanActivities {
  private static final Logger log = LoggerFactory.getLogger(ScanActivitiesImpl.class);
  private static final String RESCANS = "drydock.rescans";
  private final ScanStore store;
  private final LegacyStorage legacy;
  private final ScannerSet scanners;
  private final MeterRegistry meters;

  public ScanActivitiesImpl(
      ScanStore store, LegacyStorage legacy, ScannerSet scanners, MeterRegistry meters) {
    this.store = store;
    this.legacy = legacy;
    this.scanners = scanners;
    this.meters = meters;
  }

  @Override
  public ManifestCheck checkManifest(String manifestDigest, String runToken, boolean force) {
    ScanDatabase.ImageManifest manifest =
        store
            .imageManifest(manifestDigest)
            .orElseThrow(
                () ->
                    ExpectedFailure.of(
                        log,
                        ScanFailures.MANIFEST_UNKNOWN,
                        manifestDigest + " is not an image manifest the registry holds"));
    String indexState = scanners.indexState();
    // Takes the status and loads the report in one transaction: a check that fails holds nothing,
    // which is what the
    // workflow relies on when it ends such a run without writing.
    Optional<ScanStore.StoredReportState> stored = store.begin(manifestDigest, runToken);
    boolean reusable =
        !force
            && stored
                .filter(
                    report ->
                        "IndexFinished".equals(report.state())
                            && report.success()
                            && indexState.equals(report.indexState()))
                .isPresent();
    return new ManifestCheck(reusable, indexState, manifest.layers());
  }

  @Override
  public List<String> fetchLayers(
      String manifestDigest, String runToken, String indexState, List<String> layers) {
    fenced(
        () -> {
          store.markScanning(manifestDigest, runToken);
          return null;
        });
    for (String layer : layers) {
      if (!legacy.blobExists(Digest.parse(layer))) {
        throw ApplicationFailure.newNonRetryableFailure(
            "layer " + layer + " is not in the legacy storage", ScanFailures.LAYER_UNREADABLE);
      }
    }
    return store.unscannedLayers(layers, indexState);
  }

  @Override
  public void scanLayer(String layerDigest, String indexState) {
    LayerScan scan;
    try (InputStream blob =
        new HeartbeatingInputStream(legacy.openBlob(Digest.parse(layerDigest)))) {
      scan = LayerScanner.scan(blob);
    } catch (IOException | UncheckedIOException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "layer " + layerDigest + " is unreadable: " + e.getMessage(),
          ScanFailures.LAYER_UNREADABLE);
    }
    store.storeLayerScan(layerDigest, indexState, scan);
  }

  @Override
  public int indexManifest(
      String manifestDigest, String runToken, String indexState, List<String> layers) {
    int written = fenced(() -> store.writeFinished(manifestDigest, runToken, indexState, layers));
    rescanEnded("indexed", "IndexFinished");
    return written;
  }

  @Override
  public void finishReused(String manifestDigest, String runToken) {
    fenced(
        () -> {
          store.finishReused(manifestDigest, runToken);
          return null;
        });
    meters.counter(RESCANS, "outcome", "reused").increment();
  }

  @Override
  public void recordError(String manifestDigest, String runToken, String error) {
    String text = error == null || error.isBlank() ? "indexing failed without a message" : error;
    fenced(
        () -> {
          store.writeError(manifestDigest, runToken, scanners.indexState(), text);
          return null;
        });
    rescanEnded("failed", "IndexError");
  }

  private void rescanEnded(String outcome, String reportState) {
    meters.counter(RESCANS, "outcome", outcome).increment();
    meters.counter("drydock.index.reports.written", "state", reportState).increment();
  }

  @Override
  public ManifestPage listManifests(String repository, String after, int limit) {
    List<String> digests = store.bulkRescans().manifestDigests(repository, after, limit);
    // A bulk rescan's progress: the manifests it has handed to rescans (a retried page counts
    // again).
    meters.counter("drydock.bulk.rescan.manifests.listed").increment(digests.size());
    return new ManifestPage(
        digests, digests.size() < limit ? null : digests.get(digests.size() - 1));
  }

  @Override
  public long countManifests(String repository) {
    return store.bulkRescans().countManifests(repository);
  }

  private <T> T fenced(Supplier<T> write) {
    try {
      return write.get();
    } catch (ScanSupersededException e) {
      meters.counter(RESCANS, "outcome", "superseded").increment();
      throw ExpectedFailure.of(log, ScanFailures.SUPERSEDED, e.getMessage());
    }
  }

  /**
   * Reports the bytes read as the activity's heartbeat, at most every half second (the worker
   * throttles), so a dead worker is noticed and a cancel reaches the scan while it streams.
   */
  private static final class HeartbeatingInputStream extends java.io.FilterInputStream {
    private static final long HEARTBEAT_EVERY_BYTES = 4L << 20;
    private long read;
    private long nextHeartbeat = HEARTBEAT_EVERY_BYTES;

    HeartbeatingInputStream(InputStream in) {
      super(in);
      Activity.getExecutionContext().heartbeat(0L);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) {
      read += n;
      if (read >= nextHeartbeat) {
        nextHeartbeat = read + HEARTBEAT_EVERY_BYTES;
        Activity.getExecutionContext().heartbeat(read);
      }
    }
  }
}

package io.drydock.benchmarks.scan;

import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.activities.scan.indexer.LayerScanner;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Layer scanning throughput next to its floor, measured in the same run on the same files: the baseline gunzips each
 * layer and reads every byte of every tar entry, which any scanner of a compressed layer has to pay; {@link
 * LayerScanner#scan} does that and parses what it finds. Passes over the whole set alternate between the two, after
 * one warm-up pass of each. Run it with {@code benchmarks/scan.sh}.
 */
public final class ScanBenchmark {
  private static final long SEED = 20240601L;
  private static final int BUFFER_BYTES = 64 << 10;

  private ScanBenchmark() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * What a pass over the layers took: wall time, and the CPU time of the thread doing the work, which other
   * processes competing for the machine's cores inflate far less.
   */
  private record Pass(long nanos, long cpuNanos, long packages) {}

  public static void main(String[] args) throws IOException {
    int layerCount = 40;
    int rounds = 5;
    Path directory = Path.of("target", "scan-benchmark-layers");
    Path dpkgStatus = Path.of("/var/lib/dpkg/status");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--layers" -> layerCount = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--dir" -> directory = Path.of(args[++i]);
        case "--dpkg-status" -> dpkgStatus = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: scan.sh [--layers N] [--rounds N] [--dir DIR] [--dpkg-status FILE]");
      }
    }
    if (!Files.isRegularFile(dpkgStatus)) {
      throw new IllegalArgumentException(dpkgStatus + " does not exist: the base layers carry a real dpkg status "
          + "file; pass one with --dpkg-status");
    }
    Path osRelease = Files.exists(Path.of("/usr/lib/os-release"))
        ? Path.of("/usr/lib/os-release") : Path.of("/etc/os-release");

    long generationStart = System.nanoTime();
    List<GeneratedLayers.Layer> layers = GeneratedLayers.prepare(
        directory, layerCount, SEED, Files.readString(dpkgStatus), Files.readString(osRelease));
    long compressed = layers.stream().mapToLong(GeneratedLayers.Layer::compressedBytes).sum();
    long uncompressed = layers.stream().mapToLong(GeneratedLayers.Layer::uncompressedBytes).sum();
    log(String.format("%d layers in %s: %.1f MB compressed, %.1f MB uncompressed, ready in %.1f s", layers.size(),
        directory.toAbsolutePath(), compressed / 1e6, uncompressed / 1e6, (System.nanoTime() - generationStart) / 1e9));

    log("warm-up: baseline " + describe(runBaseline(layers), layers) + " | scan " + describe(runScan(layers), layers));
    List<Long> baselineNanos = new ArrayList<>();
    List<Long> scanNanos = new ArrayList<>();
    List<Long> baselineCpuNanos = new ArrayList<>();
    List<Long> scanCpuNanos = new ArrayList<>();
    long packages = 0;
    for (int round = 0; round < rounds; round++) {
      // Alternating which goes first, so that neither always runs on the caches the other warmed.
      Pass baseline;
      Pass scan;
      if (round % 2 == 0) {
        baseline = runBaseline(layers);
        scan = runScan(layers);
      } else {
        scan = runScan(layers);
        baseline = runBaseline(layers);
      }
      baselineNanos.add(baseline.nanos());
      scanNanos.add(scan.nanos());
      baselineCpuNanos.add(baseline.cpuNanos());
      scanCpuNanos.add(scan.cpuNanos());
      packages = scan.packages();
      log(String.format("round %d/%d: baseline %s | scan %s", round + 1, rounds, describe(baseline, layers),
          describe(scan, layers)));
    }

    long baselineMedian = median(baselineNanos);
    long scanMedian = median(scanNanos);
    long baselineCpuMedian = median(baselineCpuNanos);
    long scanCpuMedian = median(scanCpuNanos);
    System.out.println();
    System.out.println(String.format("=== Drydock layer scan benchmark: %d cores, Java %s, max heap %d MiB, load average"
            + " %s; %d layers, %.1f MB gzip, %.1f MB tar; medians of %d alternating rounds ===",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, loadAverage(), layers.size(), compressed / 1e6, uncompressed / 1e6,
        rounds));
    String baselineName = "baseline (gunzip + read every entry's bytes)";
    String scanName = "LayerScanner.scan (" + packages + " packages found)";
    System.out.println(String.format("%-46s wall %s", baselineName,
        throughput(baselineMedian, layers.size(), compressed, uncompressed)));
    System.out.println(String.format("%-46s wall %s", scanName,
        throughput(scanMedian, layers.size(), compressed, uncompressed)));
    System.out.println(String.format("%-46s CPU  %s", baselineName,
        throughput(baselineCpuMedian, layers.size(), compressed, uncompressed)));
    System.out.println(String.format("%-46s CPU  %s", scanName,
        throughput(scanCpuMedian, layers.size(), compressed, uncompressed)));
    System.out.println(String.format("%-46s wall %.2fx, CPU %.2fx", "ratio scan time / baseline time",
        scanMedian / (double) baselineMedian, scanCpuMedian / (double) baselineCpuMedian));
  }

  private static Pass runBaseline(List<GeneratedLayers.Layer> layers) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long start = System.nanoTime();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    for (GeneratedLayers.Layer layer : layers) {
      try (InputStream file = new BufferedInputStream(Files.newInputStream(layer.file()), BUFFER_BYTES);
          TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file, true))) {
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
          while (tar.read(buffer) >= 0) {
            // Every byte decompressed and copied out, nothing parsed.
          }
        }
      }
    }
    return new Pass(System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart, 0);
  }

  private static Pass runScan(List<GeneratedLayers.Layer> layers) throws IOException {
    long packages = 0;
    long start = System.nanoTime();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    for (GeneratedLayers.Layer layer : layers) {
      try (InputStream file = Files.newInputStream(layer.file())) {
        LayerScan scan = LayerScanner.scan(file);
        packages += scan.packageDatabases().stream().mapToLong(database -> database.packages().size()).sum();
      }
    }
    return new Pass(System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart, packages);
  }

  private static String describe(Pass pass, List<GeneratedLayers.Layer> layers) {
    return String.format("%.2f s wall, %.2f s CPU (%.1f layers/s)", pass.nanos() / 1e9, pass.cpuNanos() / 1e9,
        layers.size() / (pass.nanos() / 1e9));
  }

  private static String loadAverage() {
    return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static String throughput(long nanos, int layers, long compressed, long uncompressed) {
    double seconds = nanos / 1e9;
    return String.format("%.2f s  %.1f layers/s  %.1f MB/s gzip  %.1f MB/s tar", seconds, layers / seconds,
        compressed / 1e6 / seconds, uncompressed / 1e6 / seconds);
  }

  private static long median(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static void log(String message) {
    System.out.println("[scan-benchmark] " + message);
  }
}

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
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Layer scanning throughput next to its floor, measured in the same run on the same files, gzip and
 * zstd: the baseline decompresses each layer and reads every byte of every tar entry, which any
 * scanner of a compressed layer has to pay; {@link LayerScanner#scan} does that and parses what it
 * finds; for zstd, the {@code zstd -d} command is a second floor, native code with no tar reading
 * at all. Passes over the whole set alternate, after one warm-up pass of each. Run it with {@code
 * benchmarks/scan.sh}.
 */
public final class ScanBenchmark {
  private static final long SEED = 20240601L;
  private static final int BUFFER_BYTES = 64 << 10;

  private ScanBenchmark() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * What a pass over the layers took: wall time, and the CPU time of the thread doing the work,
   * which other processes competing for the machine's cores inflate far less.
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
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; usage: scan.sh [--layers N] [--rounds N] [--dir DIR] [--dpkg-status FILE]");
      }
    }
    if (!Files.isRegularFile(dpkgStatus)) {
      throw new IllegalArgumentException(
          dpkgStatus
              + " does not exist: the base layers carry a real dpkg status "
              + "file; pass one with --dpkg-status");
    }
    Path osRelease =
        Files.exists(Path.of("/usr/lib/os-release"))
            ? Path.of("/usr/lib/os-release")
            : Path.of("/etc/os-release");

    long generationStart = System.nanoTime();
    List<GeneratedLayers.Layer> gzipLayers =
        GeneratedLayers.prepare(
            directory, layerCount, SEED, Files.readString(dpkgStatus), Files.readString(osRelease));
    List<Codec> codecs =
        List.of(
            new Codec("gzip", gzipLayers, file -> new GzipCompressorInputStream(file, true)),
            new Codec(
                "zstd",
                GeneratedLayers.recompressWithZstd(gzipLayers),
                ZstdCompressorInputStream::new));
    for (Codec codec : codecs) {
      log(
          String.format(
              "%d %s layers in %s: %.1f MB compressed, %.1f MB uncompressed",
              codec.layers().size(),
              codec.name(),
              directory.toAbsolutePath(),
              codec.compressed() / 1e6,
              codec.uncompressed() / 1e6));
    }
    log(String.format("ready in %.1f s", (System.nanoTime() - generationStart) / 1e9));
    boolean zstdCli = ZstdCli.available();
    if (!zstdCli) {
      log(
          "no zstd command on PATH: the `zstd -d` floor is not measured (Debian: apt-get install zstd)");
    }

    for (Codec codec : codecs) {
      log(
          "warm-up "
              + codec.name()
              + ": baseline "
              + describe(runBaseline(codec), codec)
              + " | scan "
              + describe(runScan(codec), codec));
    }
    List<Long> zstdCliNanos = new ArrayList<>();
    long packages = 0;
    for (int round = 0; round < rounds; round++) {
      for (Codec codec : codecs) {
        // Alternating which goes first, so that neither always runs on the caches the other warmed.
        Pass baseline;
        Pass scan;
        if (round % 2 == 0) {
          baseline = runBaseline(codec);
          scan = runScan(codec);
        } else {
          scan = runScan(codec);
          baseline = runBaseline(codec);
        }
        codec.baseline().add(baseline);
        codec.scan().add(scan);
        packages = scan.packages();
        log(
            String.format(
                "round %d/%d %s: baseline %s | scan %s",
                round + 1, rounds, codec.name(), describe(baseline, codec), describe(scan, codec)));
      }
      if (zstdCli) {
        zstdCliNanos.add(ZstdCli.decompressAll(codecs.get(1).layers()));
      }
    }

    System.out.println();
    System.out.println(
        String.format(
            "=== Drydock layer scan benchmark: %d cores, Java %s, max heap %d MiB, load average"
                + " %s; %d layers, %.1f MB tar; medians of %d alternating rounds ===",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20,
            loadAverage(),
            gzipLayers.size(),
            codecs.get(0).uncompressed() / 1e6,
            rounds));
    for (Codec codec : codecs) {
      String baselineName = "baseline (" + codec.name() + " in the JVM + read every entry)";
      String scanName = "LayerScanner.scan, " + codec.name() + " (" + packages + " packages)";
      long baselineWall = median(codec.baseline(), Pass::nanos);
      long scanWall = median(codec.scan(), Pass::nanos);
      long baselineCpu = median(codec.baseline(), Pass::cpuNanos);
      long scanCpu = median(codec.scan(), Pass::cpuNanos);
      System.out.println(
          String.format("%-46s wall %s", baselineName, throughput(baselineWall, codec)));
      System.out.println(String.format("%-46s wall %s", scanName, throughput(scanWall, codec)));
      System.out.println(
          String.format("%-46s CPU  %s", baselineName, throughput(baselineCpu, codec)));
      System.out.println(String.format("%-46s CPU  %s", scanName, throughput(scanCpu, codec)));
      System.out.println(
          String.format(
              "%-46s wall %.2fx, CPU %.2fx",
              "ratio scan / baseline, " + codec.name(),
              scanWall / (double) baselineWall,
              scanCpu / (double) baselineCpu));
    }
    if (zstdCli) {
      Codec zstd = codecs.get(1);
      long floor = median(zstdCliNanos, nanos -> nanos);
      System.out.println(
          String.format(
              "%-46s wall %s",
              "floor `zstd -d` to /dev/null (" + ZstdCli.version() + ")", throughput(floor, zstd)));
      System.out.println(
          String.format(
              "%-46s wall %.2fx",
              "ratio scan, zstd / `zstd -d`", median(zstd.scan(), Pass::nanos) / (double) floor));
    }
  }

  /** A compression of the same layers, with the passes measured over it. */
  private record Codec(
      String name,
      List<GeneratedLayers.Layer> layers,
      Decompressor decompressor,
      List<Pass> baseline,
      List<Pass> scan) {
    Codec(String name, List<GeneratedLayers.Layer> layers, Decompressor decompressor) {
      this(name, layers, decompressor, new ArrayList<>(), new ArrayList<>());
    }

    long compressed() {
      return layers.stream().mapToLong(GeneratedLayers.Layer::compressedBytes).sum();
    }

    long uncompressed() {
      return layers.stream().mapToLong(GeneratedLayers.Layer::uncompressedBytes).sum();
    }
  }

  private interface Decompressor {
    InputStream open(InputStream compressed) throws IOException;
  }

  private static Pass runBaseline(Codec codec) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long start = System.nanoTime();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    for (GeneratedLayers.Layer layer : codec.layers()) {
      try (InputStream file =
              new BufferedInputStream(Files.newInputStream(layer.file()), BUFFER_BYTES);
          TarArchiveInputStream tar = new TarArchiveInputStream(codec.decompressor().open(file))) {
        for (TarArchiveEntry entry = tar.getNextEntry();
            entry != null;
            entry = tar.getNextEntry()) {
          while (tar.read(buffer) >= 0) {
            // Every byte decompressed and copied out, nothing parsed.
          }
        }
      }
    }
    return new Pass(System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart, 0);
  }

  private static Pass runScan(Codec codec) throws IOException {
    long packages = 0;
    long start = System.nanoTime();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    for (GeneratedLayers.Layer layer : codec.layers()) {
      try (InputStream file = Files.newInputStream(layer.file())) {
        LayerScan scan = LayerScanner.scan(file);
        packages +=
            scan.packageDatabases().stream()
                .mapToLong(database -> database.packages().size())
                .sum();
      }
    }
    return new Pass(
        System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart, packages);
  }

  private static String describe(Pass pass, Codec codec) {
    return String.format(
        "%.2f s wall, %.2f s CPU (%.1f layers/s)",
        pass.nanos() / 1e9, pass.cpuNanos() / 1e9, codec.layers().size() / (pass.nanos() / 1e9));
  }

  private static String loadAverage() {
    return String.format(
        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static String throughput(long nanos, Codec codec) {
    double seconds = nanos / 1e9;
    return String.format(
        "%.2f s  %.1f layers/s  %.1f MB/s %s  %.1f MB/s tar",
        seconds,
        codec.layers().size() / seconds,
        codec.compressed() / 1e6 / seconds,
        codec.name(),
        codec.uncompressed() / 1e6 / seconds);
  }

  private static <T> long median(List<T> passes, ToLongFunction<T> nanos) {
    long[] sorted = passes.stream().mapToLong(nanos).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static void log(String message) {
    System.out.println("[scan-benchmark] " + message);
  }
}

package io.drydock.benchmarks;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Measures what the import issue asks for, each figure next to a baseline measured in the same run
 * on the same machine: cancel-to-stopped and DELETE-to-next-PUT-accepted latencies and
 * 10,000-manifest pre-import throughput or, with {@code --large}, only a 100,000-manifest
 * pre-import with its peak heap and its rate against that of 10,000-manifest ones of the same run;
 * with {@code --huge} a million tags, with {@code --scan-load} the cancel latencies beside a rescan
 * backlog. Run it with {@code benchmarks/migration.sh}.
 *
 * <p>Longer than a class should be because the four modes share one stack, its baselines and its
 * warm-up, and read best side by side; the cancel measurements ({@link CancelLatency}) and the
 * trees ({@link LegacyTrees}) are apart.
 */
public final class MigrationBenchmark {
  private static final String WARMUP = "bench/warmup";
  private static final String THROUGHPUT = "bench/throughput";
  private static final String LARGE = "bench/large";
  private static final String SCAN_LOAD = "bench/scan-load";
  private static final String HUGE = "bench/huge";
  private static final int WARMUP_MANIFESTS = 500;

  /**
   * Large enough that a pre-import is still running when it is canceled {@link
   * CancelLatency#RUNNING_BEFORE_CANCEL} after start.
   */
  private static final int CANCEL_MANIFESTS = 20_000;

  private static final int THROUGHPUT_MANIFESTS = 10_000;
  private static final int LARGE_MANIFESTS = 100_000;

  /**
   * The 10,000-manifest imports {@code --large} also times, so that the rate at 100,000 is held
   * against the rate at 10,000 of the same run; the median of three, since one lasts about a
   * second.
   */
  private static final List<String> GROWTH_PATHS =
      List.of("bench/growth-1", "bench/growth-2", "bench/growth-3");

  /**
   * Rescans kept in flight in the background by {@code --scan-load}: the backlog the issue measured
   * imports under.
   */
  private static final int SCAN_LOAD_RESCANS = 300;

  /** Quiet and loaded blocks alternate, so that drift in the machine's load affects both alike. */
  private static final int SCAN_LOAD_BLOCKS = 4;

  /**
   * How long the background rescans run before a loaded block's first sample, so that the backlog
   * has built up.
   */
  private static final Duration SCAN_LOAD_RAMP = Duration.ofSeconds(3);

  private static final int HUGE_TAGS = 1_000_000;

  /**
   * Few enough manifests that the million tags' tree fits in memory; each tag is still read and
   * parsed.
   */
  private static final int HUGE_MANIFESTS = 10_000;

  private static final int DEFAULT_SAMPLES = 40;
  private static final int GET_SAMPLES = 200;
  private static final int GET_WARMUP = 200;

  /**
   * Rounds of every cancel measurement run first and thrown away, so that the JIT has compiled the
   * paths.
   */
  private static final int WARMUP_ROUNDS = 3;

  private static final Duration IMPORT_POLL = Duration.ofMillis(10);
  private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(20);

  private final BenchmarkStack stack;
  private final DirectImportBaseline baseline;
  private final DirectImportBaseline copyBaseline;
  private final HeapWatch heap = new HeapWatch();
  private final WorkflowClient temporal;
  private final CancelFloorActivitiesImpl floorActivities = new CancelFloorActivitiesImpl();
  private final CancelLatency cancels;
  private final NotificationLatency notifications;

  private MigrationBenchmark(
      BenchmarkStack stack,
      DirectImportBaseline baseline,
      DirectImportBaseline copyBaseline,
      NotificationLatency notifications) {
    this.notifications = notifications;
    this.stack = stack;
    this.baseline = baseline;
    this.copyBaseline = copyBaseline;
    this.temporal = stack.workflowClient();
    this.cancels = new CancelLatency(stack, temporal, floorActivities);
  }

  public static void main(String[] args) throws Exception {
    boolean large = false;
    boolean scanLoad = false;
    boolean huge = false;
    int samples = DEFAULT_SAMPLES;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--large" -> large = true;
        case "--scan-load" -> scanLoad = true;
        case "--huge" -> huge = true;
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; usage: migration.sh [--samples N] [--large | --huge | --scan-load]");
      }
    }
    String machine =
        String.format(
            "%d cores, Java %s, max heap %d MiB",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20);
    log(
        "machine: "
            + machine
            + ", JVM options "
            + ManagementFactory.getRuntimeMXBean().getInputArguments()
            + ", load average "
            + loadAverage());

    Path legacyRoot = Files.createTempDirectory(LegacyTrees.parent(huge), "drydock-bench-legacy-");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LegacyTrees.delete(legacyRoot), "drydock-bench-legacy-cleanup"));
    generateLegacyTree(legacyRoot, large, huge, scanLoad);
    try (TemporalTestServer temporalServer =
        TemporalTestServer.start(DrydockSearchAttributes.all())) {
      String server =
          (temporalServer.isRealServer()
                  ? "real dev server (temporal CLI)"
                  : "Java test server fallback (no CLI)")
              + " on "
              + temporalServer.target();
      String stackDatabase = TestPostgres.freshDatabase();
      DataSource baselineDatabase = migratedDatabase();
      DataSource copyBaselineDatabase = migratedDatabase();
      try (NotificationLatency notifications = new NotificationLatency(legacyRoot);
          BenchmarkStack stack =
              new BenchmarkStack(
                  temporalServer, stackDatabase, legacyRoot, notifications.stackArguments())) {
        notifications.connect(stackDatabase);
        LegacyStorage legacy = new LegacyStorage(legacyRoot);
        MigrationBenchmark benchmark =
            new MigrationBenchmark(
                stack,
                new DirectImportBaseline(
                    legacy,
                    baselineDatabase,
                    stack.importBatchSize(),
                    DirectImportBaseline.Writes.STATEMENTS),
                new DirectImportBaseline(
                    legacy,
                    copyBaselineDatabase,
                    stack.importBatchSize(),
                    DirectImportBaseline.Writes.COPY),
                notifications);
        List<String> results =
            huge
                ? benchmark.huge()
                : large
                    ? benchmark.large()
                    : scanLoad ? benchmark.underScanLoad(samples) : benchmark.standard(samples);
        System.out.println();
        System.out.println(
            "=== Drydock migration benchmarks: "
                + machine
                + ", Temporal "
                + server
                + ", load average at the end "
                + loadAverage()
                + " ===");
        results.forEach(System.out::println);
      }
    }
  }

  /**
   * Cancel-to-stopped, DELETE-to-next-PUT-accepted and 10,000-manifest throughput, each with its
   * baselines.
   */
  private List<String> standard(int samples) throws SQLException {
    WorkerFactory floorWorkers = WorkerFactory.newInstance(temporal);
    Worker floorWorker = floorWorkers.newWorker(CancelFloorWorkflow.TASK_QUEUE);
    floorWorker.registerWorkflowImplementationTypes(CancelFloorWorkflowImpl.class);
    floorWorker.registerActivitiesImplementations(floorActivities);
    floorWorkers.start();
    try {
      long warmupStart = System.nanoTime();
      warmUpImports();
      for (int i = 0; i < GET_WARMUP; i++) {
        getStatus(WARMUP);
      }
      for (int i = 0; i < WARMUP_ROUNDS; i++) {
        cancels.floor();
        cancels.toStopped();
        cancels.toNextPutAccepted();
        notifications.sample(stack);
      }
      log(String.format("warm-up done in %.1f s", seconds(System.nanoTime() - warmupStart)));

      Samples get = new Samples("GET status round trip");
      for (int i = 0; i < GET_SAMPLES; i++) {
        get.add(getStatus(WARMUP));
      }
      log("baseline GET: " + get.percentiles());

      // Interleaved, so that drift in the machine's load during the run affects every measurement
      // alike.
      Samples floor = new Samples("Temporal trivial cancel");
      Samples stopped = new Samples("cancel-to-stopped");
      Samples nextPut = new Samples("DELETE-to-next-PUT-accepted");
      Samples notified = new Samples("status-commit-to-Rails-notified");
      Samples delivering = new Samples("  of which commit-to-delivery-start");
      int refusals = 0;
      for (int i = 0; i < samples; i++) {
        floor.add(cancels.floor());
        stopped.add(cancels.toStopped());
        CancelLatency.PutAccepted accepted = cancels.toNextPutAccepted();
        nextPut.add(accepted.nanos());
        refusals += accepted.refusals();
        NotificationLatency.Sample notification = notifications.sample(stack);
        notified.add(notification.toReceiverNanos());
        delivering.add(notification.toDeliveryNanos());
        log(String.format("cancel round %d/%d done", i + 1, samples));
      }

      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              "%-40s %s  (n=%d)",
              "baseline GET status round trip", get.percentiles(), get.count()));
      lines.add(
          String.format(
              "%-40s %s  (n=%d)",
              "baseline Temporal trivial cancel", floor.percentiles(), floor.count()));
      lines.add(latencyLine(stopped, get, floor, ""));
      lines.add(
          latencyLine(
              nextPut,
              get,
              floor,
              String.format(
                  ", %d answers 429 IMPORT_REPOSITORY_NOT_READY before acceptance", refusals)));
      lines.add(latencyLine(notified, get, floor, ""));
      lines.add(latencyLine(delivering, get, floor, ""));
      lines.add(throughput(THROUGHPUT, THROUGHPUT_MANIFESTS).line());
      lines.add(
          "large pre-import (100,000 manifests at the JVM's heap): not run; migration.sh --large runs it");
      return lines;
    } finally {
      floorWorkers.shutdownNow();
    }
  }

  /**
   * Only the 100,000-manifest import and three of 10,000 before it, so that they and their
   * generation fit in the run's ten minutes.
   */
  private List<String> large() throws SQLException {
    warmUpImports();
    Samples drydockSmall = new Samples("Drydock");
    Samples jdbcSmall = new Samples("direct JDBC");
    for (String path : GROWTH_PATHS) {
      drydockSmall.add(importThroughDrydock(path));
      long start = System.nanoTime();
      baseline.importRepository(path);
      jdbcSmall.add(System.nanoTime() - start);
    }
    Throughput large = throughput(LARGE, LARGE_MANIFESTS);
    return List.of(
        large.line(),
        String.format(
            "rate at 100,000 / median rate at 10,000 (%d imports): %s | baseline %s",
            GROWTH_PATHS.size(),
            growth(drydockSmall, large.drydockRate()),
            growth(jdbcSmall, large.jdbcRate())));
  }

  private static String growth(Samples small, double largeRate) {
    double smallRate = THROUGHPUT_MANIFESTS / (small.millis(50) / 1000);
    return String.format(
        "%s %,.0f / %,.0f manifests/s = %.2fx",
        small.name(), largeRate, smallRate, largeRate / smallRate);
  }

  /**
   * Cancel-to-stopped and DELETE-to-next-PUT-accepted while {@value #SCAN_LOAD_RESCANS} rescans run
   * in the background, next to the same figures measured without them in blocks alternating with
   * the loaded ones.
   */
  private List<String> underScanLoad(int samples) throws SQLException, InterruptedException {
    warmUpImports();
    for (int i = 0; i < WARMUP_ROUNDS; i++) {
      cancels.toStopped();
      cancels.toNextPutAccepted();
    }
    importThroughDrydock(SCAN_LOAD);
    finalImportThroughDrydock(SCAN_LOAD);
    ScanLoad load = new ScanLoad(temporal, stack.manifestDigests(SCAN_LOAD));
    if (load.size() != SCAN_LOAD_RESCANS) {
      throw new IllegalStateException(
          SCAN_LOAD + " holds " + load.size() + " manifests, not " + SCAN_LOAD_RESCANS);
    }
    Samples quietStopped = new Samples("cancel-to-stopped, quiet");
    Samples quietPut = new Samples("DELETE-to-next-PUT-accepted, quiet");
    Samples loadedStopped = new Samples("cancel-to-stopped, " + SCAN_LOAD_RESCANS + " rescans");
    Samples loadedPut =
        new Samples("DELETE-to-next-PUT-accepted, " + SCAN_LOAD_RESCANS + " rescans");
    long loadedNanos = 0;
    for (int block = 0; block < SCAN_LOAD_BLOCKS; block++) {
      boolean loaded = block % 2 == 1;
      long blockStart = System.nanoTime();
      if (loaded) {
        load.start();
        LockSupport.parkNanos(SCAN_LOAD_RAMP.toNanos());
      }
      for (int i = 0; i < samples / SCAN_LOAD_BLOCKS; i++) {
        (loaded ? loadedStopped : quietStopped).add(cancels.toStopped());
        (loaded ? loadedPut : quietPut).add(cancels.toNextPutAccepted().nanos());
      }
      if (loaded) {
        load.stop();
        loadedNanos += System.nanoTime() - blockStart;
      }
      log(
          String.format(
              "%s block %d/%d done", loaded ? "loaded" : "quiet", block + 1, SCAN_LOAD_BLOCKS));
    }
    return List.of(
        scanLoadLine(loadedStopped, quietStopped),
        scanLoadLine(loadedPut, quietPut),
        String.format(
            "background: %,d rescans finished (%.0f/s while loaded), %d failed, of %d manifests kept in flight",
            load.finished(), load.finished() / seconds(loadedNanos), load.failed(), load.size()));
  }

  private static String scanLoadLine(Samples loaded, Samples quiet) {
    return String.format(
        "%-50s %s  (n=%d) | %s %s | %s",
        loaded.name(),
        loaded.percentiles(),
        loaded.count(),
        quiet.name(),
        quiet.percentiles(),
        loaded.ratioTo(quiet));
  }

  /**
   * PUT final after a completed pre-import, then the time until the database says import_complete.
   */
  private void finalImportThroughDrydock(String path) {
    expect(stack.importApi("PUT", path, "?import_type=final"), 202, "PUT final " + path);
    await(
        () -> stack.status(path).equals(Optional.of("import_complete")),
        IMPORT_POLL,
        IMPORT_TIMEOUT,
        "final import of " + path);
  }

  /**
   * Only the million-tag pre-import, through Drydock alone: what it shows is that the rate holds
   * and the heap stays flat however many tags the repository has.
   */
  private List<String> huge() {
    importThroughDrydock(WARMUP);
    heap.reset();
    double seconds = seconds(importThroughDrydock(HUGE));
    HeapWatch.Peak peak = heap.peak();
    if (stack.manifests(HUGE) != HUGE_MANIFESTS) {
      throw new IllegalStateException(
          "Drydock wrote " + stack.manifests(HUGE) + " manifests of " + HUGE);
    }
    return List.of(
        String.format(
            "pre-import of %,d tags (%,d manifests): Drydock %,.0f tags/s (%.1f s; %s)",
            HUGE_TAGS, HUGE_MANIFESTS, HUGE_TAGS / seconds, seconds, peak.describe()));
  }

  /**
   * A small pre-import through each path first, so that none is measured while the JIT compiles it.
   */
  private void warmUpImports() throws SQLException {
    importThroughDrydock(WARMUP);
    baseline.importRepository(WARMUP);
    copyBaseline.importRepository(WARMUP);
  }

  private static DataSource migratedDatabase() {
    DataSource database = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
    return database;
  }

  private static String latencyLine(Samples figure, Samples get, Samples floor, String note) {
    return String.format(
        "%-40s %s  (n=%d%s) | baseline GET %s | %s | baseline Temporal %s | %s",
        figure.name(),
        figure.percentiles(),
        figure.count(),
        note,
        get.percentiles(),
        figure.ratioTo(get),
        floor.percentiles(),
        figure.ratioTo(floor));
  }

  /** A throughput line, and the rates in it that {@code --large} holds against smaller imports. */
  private record Throughput(String line, double drydockRate, double jdbcRate) {}

  /** A baseline's part of a throughput line, and its rate. */
  private record BaselineFigure(String text, double rate) {}

  private Throughput throughput(String path, int manifests) throws SQLException {
    heap.reset();
    double drydockSeconds = seconds(importThroughDrydock(path));
    HeapWatch.Peak drydockHeap = heap.peak();
    if (stack.manifests(path) != manifests) {
      throw new IllegalStateException(
          "Drydock wrote " + stack.manifests(path) + " manifests of " + path);
    }
    log(String.format("Drydock imported %s in %.1f s", path, drydockSeconds));

    double drydockRate = manifests / drydockSeconds;
    BaselineFigure jdbc = baselineFigure("direct JDBC", baseline, path, manifests, drydockRate);
    BaselineFigure copy = baselineFigure("COPY", copyBaseline, path, manifests, drydockRate);
    return new Throughput(
        String.format(
            "pre-import throughput, %,d manifests: Drydock %,.0f manifests/s (%.1f s; %s) | %s | %s",
            manifests,
            drydockRate,
            drydockSeconds,
            drydockHeap.describe(),
            jdbc.text(),
            copy.text()),
        drydockRate,
        jdbc.rate());
  }

  private BaselineFigure baselineFigure(
      String name, DirectImportBaseline importer, String path, int manifests, double drydockRate)
      throws SQLException {
    heap.reset();
    long start = System.nanoTime();
    long written = importer.importRepository(path);
    double seconds = seconds(System.nanoTime() - start);
    HeapWatch.Peak peak = heap.peak();
    if (written != manifests) {
      throw new IllegalStateException(
          "the "
              + name
              + " baseline wrote "
              + written
              + " manifests of "
              + path
              + ", not "
              + manifests);
    }
    double rate = manifests / seconds;
    return new BaselineFigure(
        String.format(
            "baseline %s %,.0f manifests/s (%.1f s; %s) | ratio %.2fx",
            name, rate, seconds, peak.describe(), drydockRate / rate),
        rate);
  }

  /** PUT pre, then the time until the database says pre_import_complete. */
  private long importThroughDrydock(String path) {
    long start = System.nanoTime();
    expect(stack.importApi("PUT", path, "?import_type=pre"), 202, "PUT pre " + path);
    await(
        () -> {
          Optional<String> status = stack.status(path);
          if (status.equals(Optional.of("pre_import_failed"))) {
            throw new IllegalStateException(
                "pre-import of " + path + " failed: " + stack.importApi("GET", path, ""));
          }
          return status.equals(Optional.of("pre_import_complete"));
        },
        IMPORT_POLL,
        IMPORT_TIMEOUT,
        "pre-import of " + path);
    return System.nanoTime() - start;
  }

  private long getStatus(String path) {
    long start = System.nanoTime();
    expect(stack.importApi("GET", path, ""), 200, "GET " + path);
    return System.nanoTime() - start;
  }

  private static void generateLegacyTree(Path root, boolean large, boolean huge, boolean scanLoad) {
    long start = System.nanoTime();
    DemoLegacyStorage.generateSynthetic(root, WARMUP, WARMUP_MANIFESTS, 1);
    int manifests = WARMUP_MANIFESTS;
    if (huge) {
      DemoLegacyStorage.generateSyntheticTags(root, HUGE, HUGE_MANIFESTS, HUGE_TAGS);
      log(
          String.format(
              "legacy tree: %,d tags of %,d manifests generated in %.1f s under %s",
              HUGE_TAGS, HUGE_MANIFESTS, seconds(System.nanoTime() - start), root));
      return;
    }
    if (large) {
      DemoLegacyStorage.generateSynthetic(root, LARGE, LARGE_MANIFESTS, 1);
      manifests += LARGE_MANIFESTS;
      for (String path : GROWTH_PATHS) {
        DemoLegacyStorage.generateSynthetic(root, path, THROUGHPUT_MANIFESTS, 1);
        manifests += THROUGHPUT_MANIFESTS;
      }
    } else if (scanLoad) {
      DemoLegacyStorage.generateSynthetic(root, CancelLatency.STOPPED_PATH, CANCEL_MANIFESTS, 1);
      DemoLegacyStorage.generateSynthetic(root, CancelLatency.PUT_PATH, CANCEL_MANIFESTS, 1);
      DemoLegacyStorage.generateDebianImages(root, SCAN_LOAD, SCAN_LOAD_RESCANS);
      manifests += 2 * CANCEL_MANIFESTS + SCAN_LOAD_RESCANS;
    } else {
      DemoLegacyStorage.generateSynthetic(root, CancelLatency.STOPPED_PATH, CANCEL_MANIFESTS, 1);
      DemoLegacyStorage.generateSynthetic(root, CancelLatency.PUT_PATH, CANCEL_MANIFESTS, 1);
      DemoLegacyStorage.generateSynthetic(root, THROUGHPUT, THROUGHPUT_MANIFESTS, 1);
      manifests += 2 * CANCEL_MANIFESTS + THROUGHPUT_MANIFESTS;
    }
    log(
        String.format(
            "legacy tree: %,d manifests, one tag each, generated in %.1f s under %s",
            manifests, seconds(System.nanoTime() - start), root));
  }

  static void expect(BenchmarkStack.Answer answer, int status, String what) {
    if (answer.status() != status) {
      throw new IllegalStateException(what + " answered " + answer + ", expected " + status);
    }
  }

  static void await(BooleanSupplier done, Duration every, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(every.toNanos());
    }
  }

  private static String loadAverage() {
    return String.format(
        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void log(String line) {
    System.out.println("[bench] " + line);
  }
}

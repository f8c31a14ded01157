package io.drydock.benchmarks.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.benchmarks.replication.BenchmarkArtifacts.Artifact;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Time to full replication and bytes sent by the depot, for the same artifacts on the same kind of
 * sleds, of Drydock's plan (the real workflow: the depot sends each artifact once, and a sled
 * serves the next copy as soon as it holds the artifact) and of an Oxide-style plan ({@link
 * OxidePlan}: three puts of each artifact from the depot, then copies from those three), measured
 * in the same run for fleets of several sizes. Every sled's link is capped, and so is the depot's,
 * through the same kind of limiter ({@link DepotUplink}); both plans keep at most the same number
 * of requests in flight. Run it with {@code benchmarks/replication.sh}.
 */
public final class ReplicationBenchmark {
  private static final Duration REPLICATION_TIMEOUT = Duration.ofMinutes(10);

  private ReplicationBenchmark() {}

  /** One plan's figures for one fleet. */
  private record Result(double seconds, long depotBytes, int chain, String detail) {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(4, 8, 16, 32);
    int artifactCount = 50;
    int artifactBytes = 1 << 20;
    long bandwidth = 8L << 20;
    int inFlight = 8;
    long seed = 20_241_121L;
    // In memory where there is such a file system: the sleds write every copy twice (two disks
    // each), gigabytes for 32
    // sleds, and a disk's fsyncs would measure the disk.
    Path memory = Path.of("/dev/shm");
    Path parent = Files.isWritable(memory) ? memory : Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sleds" ->
            sizes = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--artifacts" -> artifactCount = Integer.parseInt(args[++i]);
        case "--artifact-bytes" -> artifactBytes = Integer.parseInt(args[++i]);
        case "--bandwidth" -> bandwidth = Long.parseLong(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--dir" -> parent = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; usage: replication.sh"
                    + " [--sleds 4,8,16,32] [--artifacts 50] [--artifact-bytes 1048576] [--bandwidth 8388608]"
                    + " [--in-flight 8] [--seed N] [--dir DIR]");
      }
    }
    String setting =
        String.format(
            "%d artifacts of %d bytes (seed %d), every sled and the depot capped at %.1f MiB/s, %d requests in flight;"
                + " %d cores, Java %s, JVM options %s",
            artifactCount,
            artifactBytes,
            seed,
            bandwidth / 1048576.0,
            inFlight,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            ManagementFactory.getRuntimeMXBean().getInputArguments());
    log(setting);
    Path directory = Files.createTempDirectory(parent, "drydock-replication-bench-");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> deleteRecursively(directory), "replication-bench-cleanup"));

    List<String> lines = new ArrayList<>();
    try (TemporalTestServer temporal = TemporalTestServer.start(DrydockSearchAttributes.all());
        DrydockPlan drydock =
            new DrydockPlan(temporal, TestPostgres.freshDatabase(), directory, inFlight)) {
      Rounds rounds = new Rounds(drydock, new Random(seed), directory, bandwidth, inFlight);
      // A small round first, unreported: the JIT, the workflow's first tasks and the connection
      // pools warm up.
      List<Artifact> warmup = BenchmarkArtifacts.generate(seed - 1, 8, 64 << 10);
      rounds.drydock(4, warmup);
      rounds.oxide(4, warmup);
      log("warm-up done");
      for (int i = 0; i < sizes.size(); i++) {
        int sleds = sizes.get(i);
        List<Artifact> artifacts =
            BenchmarkArtifacts.generate(seed + sleds, artifactCount, artifactBytes);
        Result ours;
        Result oxide;
        // Alternating which goes first, so that neither always runs on a machine the other just
        // warmed.
        if (i % 2 == 0) {
          ours = rounds.drydock(sleds, artifacts);
          oxide = rounds.oxide(sleds, artifacts);
        } else {
          oxide = rounds.oxide(sleds, artifacts);
          ours = rounds.drydock(sleds, artifacts);
        }
        String line =
            String.format(
                "N=%-3d Drydock %6.1f s %7.1f MB from the depot, longest chain %d (ceil(log2 N) = %d) (%s) |"
                    + " Oxide-style %6.1f s %7.1f MB, chain %d (%s) | Drydock/Oxide: time %.2f, depot bytes %.2f",
                sleds,
                ours.seconds(),
                ours.depotBytes() / 1e6,
                ours.chain(),
                32 - Integer.numberOfLeadingZeros(sleds - 1),
                ours.detail(),
                oxide.seconds(),
                oxide.depotBytes() / 1e6,
                oxide.chain(),
                oxide.detail(),
                ours.seconds() / oxide.seconds(),
                (double) ours.depotBytes() / oxide.depotBytes());
        log(line);
        lines.add(line);
      }
    }
    System.out.println();
    System.out.println("=== Drydock artifact replication benchmark: " + setting + " ===");
    lines.forEach(System.out::println);
  }

  /** Runs one plan on a fresh fleet of a given size and measures it. */
  private static final class Rounds {
    private final DrydockPlan drydock;
    private final OxidePlan oxide;
    private final Path directory;
    private final long bandwidth;
    private final ExecutorService runner =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "oxide-style-plan");
              thread.setDaemon(true);
              return thread;
            });
    private int round;

    Rounds(DrydockPlan drydock, Random random, Path directory, long bandwidth, int inFlight) {
      this.drydock = drydock;
      this.oxide = new OxidePlan(inFlight, random);
      this.directory = directory;
      this.bandwidth = bandwidth;
    }

    /** From the upload's commit (the workflow signalled) to every copy on every sled. */
    Result drydock(int size, List<Artifact> artifacts) throws IOException {
      round++;
      try (BenchmarkSleds fleet = BenchmarkSleds.start("d" + round, size, bandwidth, directory)) {
        drydock.register(fleet);
        byte[] zip = BenchmarkArtifacts.repositoryZip("bench-" + round, "1.0." + round, artifacts);
        Instant uploaded = Instant.now();
        JsonNode repository = drydock.upload(zip);
        long start = System.nanoTime();
        fleet.awaitEverywhere(
            BenchmarkArtifacts.hashes(artifacts), REPLICATION_TIMEOUT, () -> false);
        double seconds = (System.nanoTime() - start) / 1e9;
        long generation = repository.path("generation").asLong();
        JsonNode activation = drydock.activationAt(generation);
        int chain = drydock.longestChain(generation);
        JsonNode counters = activation.path("counters");
        if (counters.path("bytes_sent_by_depot").asLong() != fleet.depotBytes()) {
          throw new IllegalStateException(
              "the workflow counted "
                  + counters.path("bytes_sent_by_depot")
                  + " bytes sent by the depot, the uplink "
                  + fleet.depotBytes());
        }
        String timings = drydock.requestTimings(uploaded);
        drydock.retire(fleet, repository.path("id").asText());
        return new Result(
            seconds,
            fleet.depotBytes(),
            chain,
            String.format(
                "%d puts, %d copies, activation %s in %.1f s; %s",
                counters.path("artifact_puts").asLong(),
                counters.path("copies").asLong(),
                activation.path("outcome").asText(),
                (activation.path("finished_at_millis").asLong()
                        - activation.path("started_at_millis").asLong())
                    / 1e3,
                timings));
      }
    }

    /** From the plan's first request (its configs) to every copy on every sled. */
    Result oxide(int size, List<Artifact> artifacts) throws Exception {
      round++;
      Path depot = directory.resolve("oxide-depot-" + round);
      BenchmarkArtifacts.writeDepot(depot, artifacts);
      try (BenchmarkSleds fleet = BenchmarkSleds.start("o" + round, size, bandwidth, directory)) {
        List<String> hashes = BenchmarkArtifacts.hashes(artifacts);
        long start = System.nanoTime();
        Future<OxidePlan.Sent> executing =
            runner.submit(() -> oxide.execute(fleet.members(), hashes, depot));
        boolean everywhere = fleet.awaitEverywhere(hashes, REPLICATION_TIMEOUT, executing::isDone);
        double seconds = (System.nanoTime() - start) / 1e9;
        // Throws the plan's failure, if it failed.
        OxidePlan.Sent sent = executing.get();
        if (!everywhere && !fleet.awaitEverywhere(hashes, Duration.ZERO, () -> true)) {
          throw new IllegalStateException(
              "the Oxide-style plan finished without every copy on every sled");
        }
        return new Result(
            seconds,
            fleet.depotBytes(),
            OxidePlan.CHAIN,
            String.format("%d puts, %d copies", sent.puts(), sent.copies()));
      } finally {
        deleteRecursively(depot);
      }
    }
  }

  private static void log(String message) {
    System.out.printf("[replication-bench] %s%n", message);
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}

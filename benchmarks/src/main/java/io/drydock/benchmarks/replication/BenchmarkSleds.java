package io.drydock.benchmarks.replication;

import io.drydock.sledagent.SledAgent;
import io.drydock.sledagent.SledAgentOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One plan's fleet: in-process sled agents, each with its own data directory and a per-sled
 * bandwidth cap, each reached through its proxy on the plan's {@link DepotUplink}. A fresh fleet
 * per plan and size, so that neither plan starts with the other's files or warm page cache entries
 * of its sleds.
 */
final class BenchmarkSleds implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(20);

  /** A sled: its id, the agent, and the address both plans use for it (its proxy). */
  record Member(String id, SledAgent agent, URI front, Path dataDir) {}

  private final List<Member> members;
  private final DepotUplink uplink;
  private final Path directory;

  private BenchmarkSleds(List<Member> members, DepotUplink uplink, Path directory) {
    this.members = members;
    this.uplink = uplink;
    this.directory = directory;
  }

  /** {@code count} sleds named {@code <prefix>-01}..., under a new directory in {@code parent}. */
  static BenchmarkSleds start(String prefix, int count, long bandwidthBytesPerSecond, Path parent)
      throws IOException {
    Path directory = Files.createTempDirectory(parent, prefix + "-");
    DepotUplink uplink = new DepotUplink(bandwidthBytesPerSecond);
    List<Member> members = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        String id = String.format("%s-%02d", prefix, i);
        Path dataDir = directory.resolve(id);
        SledAgent agent =
            SledAgent.start(
                new SledAgentOptions(
                    id,
                    "127.0.0.1",
                    0,
                    SledAgentOptions.NO_DEPOT_PORT,
                    dataDir,
                    SledAgentOptions.DEFAULT_MAX_ARTIFACT_BYTES,
                    bandwidthBytesPerSecond,
                    SledAgentOptions.DEFAULT_RECONCILE_INTERVAL,
                    Set.of(),
                    false));
        members.add(new Member(id, agent, uplink.front(agent.baseUri()), dataDir));
      }
    } catch (IOException | RuntimeException e) {
      new BenchmarkSleds(members, uplink, directory).close();
      throw e;
    }
    return new BenchmarkSleds(List.copyOf(members), uplink, directory);
  }

  List<Member> members() {
    return members;
  }

  /** Artifact bytes the depot uploaded to this fleet. */
  long depotBytes() {
    return uplink.artifactBytes();
  }

  /**
   * Waits until every sled holds every artifact on both its disks, and returns true then; false if
   * {@code gaveUp} turned true first. A file under an artifact's hash on a sled's disk is a
   * complete, verified copy (the agent renames it there only after checking the hash), so this
   * watches the disks rather than asking the agents, which would compete for the machine with the
   * transfers measured.
   */
  boolean awaitEverywhere(Collection<String> artifacts, Duration timeout, BooleanSupplier gaveUp) {
    List<Path> missing = new ArrayList<>();
    for (Member member : members) {
      for (String disk : List.of("disk0", "disk1")) {
        artifacts.forEach(
            artifact -> missing.add(member.dataDir().resolve(disk).resolve(artifact)));
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      missing.removeIf(Files::isRegularFile);
      if (missing.isEmpty()) {
        return true;
      }
      if (gaveUp.getAsBoolean()) {
        return false;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            missing.size() + " copies still missing after " + timeout + ", e.g. " + missing.get(0));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops the agents and the proxies and deletes the sleds' data. */
  @Override
  public void close() {
    members.forEach(member -> member.agent().close());
    uplink.close();
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + directory, e);
    }
  }
}

package io.drydock.workflows.replication;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The database, the depot and a fleet of sleds in memory, behaving as the sled agent API does: a
 * sled refuses an older config generation, drops what its config no longer names, and takes an
 * artifact only at its current generation and only if its config names it. Knobs make sleds
 * unreachable or stale and puts fail or throw.
 */
final class FakeFleet implements ReplicationActivities {
  static final long ARTIFACT_BYTES = 1000;

  private final Object lock = new Object();
  private long generation = 1;
  private final Set<String> artifacts = new TreeSet<>();
  private final Map<String, Sled> sleds = new TreeMap<>();
  private final Map<String, List<String>> depot = new TreeMap<>();

  private final Set<String> putsToFail = new TreeSet<>();
  private final Set<String> putsToThrow = new TreeSet<>();
  private final List<RequestOutcome> requests = new ArrayList<>();
  private final List<String> syncs = new ArrayList<>();
  private final List<String> freed = new ArrayList<>();
  private final Map<String, Integer> successfulPuts = new HashMap<>();
  private int inFlight;
  private int mostInFlight;
  private final Map<String, Integer> serving = new HashMap<>();
  private int mostServedAtOnce;
  private volatile String copiesHeldOf;
  private final CountDownLatch copiesReleased = new CountDownLatch(1);
  private volatile CountDownLatch requestsHeld = new CountDownLatch(0);
  private volatile CountDownLatch requestWaiting = new CountDownLatch(1);

  private static final class Sled {
    long generation;
    boolean unreachable;
    Set<String> config = new TreeSet<>();
    final Set<String> holds = new TreeSet<>();
  }

  FakeFleet withSleds(String... ids) {
    synchronized (lock) {
      for (String id : ids) {
        sleds.put(id, new Sled());
      }
    }
    return this;
  }

  /**
   * Inserts the repository and its artifacts, keeps them in the depot and bumps the generation, as
   * an upload does.
   */
  void upload(String repositoryId, String... hashes) {
    synchronized (lock) {
      artifacts.addAll(List.of(hashes));
      depot.put(repositoryId, List.of(hashes));
      generation++;
    }
  }

  /**
   * A repository whose artifacts are referenced, but whose local copies are gone and which no sled
   * holds.
   */
  void referenceWithoutCopies(String... hashes) {
    synchronized (lock) {
      artifacts.addAll(List.of(hashes));
      generation++;
    }
  }

  void setUnreachable(String sled, boolean unreachable) {
    synchronized (lock) {
      sleds.get(sled).unreachable = unreachable;
    }
  }

  /**
   * The sled was configured by someone who read a newer generation than the database now gives us.
   */
  void configureNewer(String sled) {
    synchronized (lock) {
      sleds.get(sled).generation = generation + 1;
    }
  }

  void bumpGeneration(long to) {
    synchronized (lock) {
      generation = to;
    }
  }

  /** The first put of this artifact answers with an error. */
  void failFirstPut(String hash) {
    synchronized (lock) {
      putsToFail.add(hash);
    }
  }

  /**
   * The first put of this artifact throws a non-retryable failure, as a bug in the activity would.
   */
  void throwOnFirstPut(String hash) {
    synchronized (lock) {
      putsToThrow.add(hash);
    }
  }

  /**
   * Requests to sleds wait until {@link #releaseRequests}; {@link #awaitRequestWaiting} returns
   * once one waits.
   */
  void holdRequests() {
    requestWaiting = new CountDownLatch(1);
    requestsHeld = new CountDownLatch(1);
  }

  /**
   * Copies of this artifact wait until {@link #releaseCopies}, as a copy from a slow sled would.
   */
  void holdCopiesOf(String hash) {
    copiesHeldOf = hash;
  }

  void releaseCopies() {
    copiesReleased.countDown();
  }

  /** The most copies of one artifact one holder served at once. */
  int mostServedAtOnce() {
    synchronized (lock) {
      return mostServedAtOnce;
    }
  }

  void releaseRequests() {
    requestsHeld.countDown();
  }

  void awaitRequestWaiting() {
    await(requestWaiting);
  }

  Set<String> heldBy(String sled) {
    synchronized (lock) {
      return new TreeSet<>(sleds.get(sled).holds);
    }
  }

  Set<String> depotRepositories() {
    synchronized (lock) {
      return new TreeSet<>(depot.keySet());
    }
  }

  List<RequestOutcome> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  List<String> syncs() {
    synchronized (lock) {
      return List.copyOf(syncs);
    }
  }

  List<String> freed() {
    synchronized (lock) {
      return List.copyOf(freed);
    }
  }

  Map<String, Integer> successfulPuts() {
    synchronized (lock) {
      return Map.copyOf(successfulPuts);
    }
  }

  int mostInFlight() {
    synchronized (lock) {
      return mostInFlight;
    }
  }

  @Override
  public DesiredArtifacts loadDesiredArtifacts() {
    synchronized (lock) {
      List<LocalRepository> local = new ArrayList<>();
      depot.forEach((id, hashes) -> local.add(new LocalRepository(id, hashes)));
      return new DesiredArtifacts(
          generation, List.copyOf(artifacts), List.copyOf(sleds.keySet()), local);
    }
  }

  @Override
  public SledReport syncSled(String sledId, long generation, List<String> config) {
    enter();
    try {
      synchronized (lock) {
        syncs.add(sledId);
        Sled sled = sleds.get(sledId);
        if (sled.unreachable) {
          return new SledReport(
              sledId, SledReport.State.UNREACHABLE, generation, Map.of(), "connection refused");
        }
        if (sled.generation > generation) {
          return new SledReport(
              sledId, SledReport.State.STALE, sled.generation, Map.of(), "409 CONFIG_GENERATION");
        }
        sled.generation = generation;
        sled.config = new TreeSet<>(config);
        sled.holds.retainAll(sled.config);
        Map<String, Integer> copies = new TreeMap<>();
        sled.holds.forEach(hash -> copies.put(hash, 2));
        return new SledReport(sledId, SledReport.State.LISTED, generation, copies, null);
      }
    } finally {
      exit();
    }
  }

  @Override
  public RequestOutcome putArtifact(String targetSledId, long generation, String sha256) {
    enter();
    try {
      synchronized (lock) {
        if (putsToThrow.remove(sha256)) {
          throw ApplicationFailure.newNonRetryableFailure(
              "depot read failed for " + sha256, "IOException");
        }
        String error = refusal(targetSledId, generation, sha256);
        if (error == null && !depot.values().stream().anyMatch(hashes -> hashes.contains(sha256))) {
          error = "not in the depot";
        }
        if (error == null && putsToFail.remove(sha256)) {
          error = "503 from sled";
        }
        if (error == null) {
          sleds.get(targetSledId).holds.add(sha256);
          successfulPuts.merge(sha256, 1, Integer::sum);
        }
        long bytes = error == null ? ARTIFACT_BYTES : 0;
        return record(
            new RequestOutcome(
                "put", targetSledId, null, sha256, generation, error == null, error, bytes));
      }
    } finally {
      exit();
    }
  }

  @Override
  public RequestOutcome copyArtifact(
      String targetSledId, String sourceSledId, long generation, String sha256) {
    enter();
    String served = sha256 + " from " + sourceSledId;
    synchronized (lock) {
      mostServedAtOnce = Math.max(mostServedAtOnce, serving.merge(served, 1, Integer::sum));
    }
    try {
      if (sha256.equals(copiesHeldOf)) {
        await(copiesReleased);
      }
      synchronized (lock) {
        String error = refusal(targetSledId, generation, sha256);
        Sled source = sleds.get(sourceSledId);
        if (error == null && (source.unreachable || !source.holds.contains(sha256))) {
          error = "source " + sourceSledId + " cannot serve " + sha256;
        }
        if (error == null) {
          sleds.get(targetSledId).holds.add(sha256);
        }
        return record(
            new RequestOutcome(
                "copy", targetSledId, sourceSledId, sha256, generation, error == null, error, 0));
      }
    } finally {
      synchronized (lock) {
        serving.merge(served, -1, Integer::sum);
      }
      exit();
    }
  }

  @Override
  public boolean freeLocalCopies(String repositoryId, long generation) {
    synchronized (lock) {
      if (generation != this.generation || depot.remove(repositoryId) == null) {
        return false;
      }
      freed.add(repositoryId);
      return true;
    }
  }

  /** What a sled answers an artifact request with, or null when it takes it. */
  private String refusal(String targetSledId, long generation, String sha256) {
    Sled target = sleds.get(targetSledId);
    if (target.unreachable) {
      return "connection refused";
    }
    if (target.generation != generation) {
      return "409 generation " + target.generation;
    }
    if (!target.config.contains(sha256)) {
      return "400 not in config";
    }
    return null;
  }

  private RequestOutcome record(RequestOutcome outcome) {
    requests.add(outcome);
    return outcome;
  }

  private void enter() {
    synchronized (lock) {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
    }
    requestWaiting.countDown();
    await(requestsHeld);
    // Keeps each request open for a moment, so that requests the workflow starts together overlap
    // here.
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void exit() {
    synchronized (lock) {
      inFlight--;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.drydock.quickstart.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ReplicationArchives;
import io.drydock.quickstart.ReplicationArchives.Repository;
import io.drydock.quickstart.ReplicationArchives.Target;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SledAgentProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads, and a delete, while sled agent processes are SIGKILLed and started again on their data
 * directories, slowed down, made to fail requests and to serve corrupt bytes, all at random from a
 * seed (printed; pass it back with {@code -Ddrydock.chaos.seed=N}). Meanwhile a checker samples
 * without pause that no artifact of a current repository is ever on no sled and out of the local
 * depot at once. Once the faults stop, every artifact reaches every sled and the depot is emptied.
 */
class ReplicationChaosEndToEndTest {
  private static final int SLEDS = 5;

  /**
   * With at most two sleds down, three are up: as many as an artifact must be on before its local
   * copy goes.
   */
  private static final int MAX_DOWN = 2;

  private static final int REPOSITORIES = 6;
  private static final Duration CHAOS = Duration.ofSeconds(45);
  private static final Duration CONVERGENCE = Duration.ofSeconds(150);

  /**
   * A copy from a sled that serves corrupt bytes, or to a sled killed during it, is seen to fail
   * only when the target has not listed the artifact by this limit.
   */
  private static final Duration COPY_TIMEOUT = Duration.ofSeconds(15);

  private static ReplicationStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        ReplicationStack.start(
            "replication-chaos",
            SLEDS,
            true,
            Map.of(
                "drydock.replication.copy-timeout",
                COPY_TIMEOUT.toSeconds() + "s",
                "drydock.replication.sled-request-timeout",
                "10s"),
            "--reconcile-interval=1s",
            "--enable-fault-injection");
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noArtifactIsEverLostAndAllReachEverySledOnceTheFaultsStop() throws Exception {
    long seed = Long.getLong("drydock.chaos.seed", new Random().nextLong());
    System.out.printf(
        "[drydock-tests] replication chaos: seed %d (-Ddrydock.chaos.seed=%d repeats it)%n",
        seed, seed);
    Random random = new Random(seed);
    List<Repository> repositories = repositories(random);
    long activationsBefore = stack.replication().path("status").path("activations").asLong();

    LossChecker checker = new LossChecker();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<?> checking = thread.submit(checker);
    Chaos chaos = new Chaos(random);
    Map<String, String> uploaded = new TreeMap<>();
    String deleted = null;
    Instant start = Instant.now();
    Instant end = start.plus(CHAOS);
    while (Instant.now().isBefore(end)) {
      Duration elapsed = Duration.between(start, Instant.now());
      int due =
          (int) Math.min(REPOSITORIES, 1 + elapsed.toMillis() * REPOSITORIES / CHAOS.toMillis());
      while (uploaded.size() < due) {
        Repository repository = repositories.get(uploaded.size());
        HttpResponse<String> answer = stack.upload(repository.zip());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        uploaded.put(repository.name(), DrydockStack.json(answer).path("id").asText());
      }
      if (deleted == null && uploaded.size() > REPOSITORIES / 2) {
        deleted = uploaded.get(repositories.get(0).name());
        assertThat(
                stack
                    .stack
                    .request("DELETE", "/api/v1/artifact-repositories/" + deleted)
                    .statusCode())
            .isEqualTo(204);
      }
      chaos.step();
      SeparateWorkersStack.sleep(Duration.ofMillis(300 + random.nextInt(900)));
    }
    chaos.stop();
    Instant calm = Instant.now();

    Set<String> referenced = stack.referencedArtifacts();
    Set<String> deletedOnly = new TreeSet<>(repositories.get(0).artifacts());
    deletedOnly.removeAll(referenced);
    stack.awaitOnEverySled(referenced, CONVERGENCE);
    Instant everywhere = Instant.now();
    for (String id : uploaded.values()) {
      if (!id.equals(deleted)) {
        stack.awaitLocalCopiesFreed(id, CONVERGENCE);
      }
    }
    assertThat(stack.depotArtifacts()).isEmpty();
    DrydockStack.await(
        () ->
            stack.sleds.stream()
                .noneMatch(sled -> sled.artifactsOnDisk().stream().anyMatch(deletedOnly::contains)),
        Boolean::booleanValue,
        CONVERGENCE,
        "the deleted repository's own artifacts to leave every sled");
    checker.stop();
    checking.get();
    thread.shutdown();

    JsonNode status = stack.replication().path("status");
    assertThat(checker.violations).as("artifacts on no sled and not in the depot").isEmpty();
    assertThat(checker.samples.get()).isPositive();
    assertThat(status.path("lost")).isEmpty();
    JsonNode lifetime = status.path("lifetime");
    System.out.printf(
        "[drydock-tests] replication chaos: seed %d, %d sleds, %d uploads and 1 delete (%d artifacts referenced at the"
            + " end) over %d s; %d kills, %d restarts, faults %s; %d activations; %d loss-check samples, %d"
            + " violations; every artifact on every sled %d ms after the faults stopped; lifetime %d puts (%d failed),"
            + " %d copies (%d failed), %d bytes from the depot%n",
        seed,
        SLEDS,
        uploaded.size(),
        referenced.size(),
        CHAOS.toSeconds(),
        chaos.kills,
        chaos.restarts,
        chaos.faults,
        status.path("activations").asLong() - activationsBefore,
        checker.samples.get(),
        checker.violations.size(),
        Duration.between(calm, everywhere).toMillis(),
        lifetime.path("artifact_puts").asLong(),
        lifetime.path("artifact_put_failures").asLong(),
        lifetime.path("copies").asLong(),
        lifetime.path("copy_failures").asLong(),
        lifetime.path("bytes_sent_by_depot").asLong());
  }

  /**
   * Repositories of three to five targets each; every one after the first shares a target with the
   * one before.
   */
  private static List<Repository> repositories(Random random) {
    List<Repository> repositories = new ArrayList<>();
    for (int i = 0; i < REPOSITORIES; i++) {
      int count = 3 + random.nextInt(3);
      List<Target> targets =
          new ArrayList<>(
              ReplicationArchives.randomTargets(random, "chaos" + i, count, 50_000, 600_000));
      if (i > 0) {
        Target shared = repositories.get(i - 1).targets().get(0);
        targets.add(new Target("shared-" + i + ".img", shared.bytes()));
      }
      repositories.add(new Repository("chaos-" + i, "1.0." + i, targets));
    }
    return repositories;
  }

  /**
   * The faults, applied at random to live sleds, and the restarts of killed ones when they are due.
   */
  private static final class Chaos {
    final Map<String, Integer> faults = new TreeMap<>();
    int kills;
    int restarts;
    private final Random random;
    private final Map<SledAgentProcess, Instant> restartAt = new HashMap<>();

    Chaos(Random random) {
      this.random = random;
    }

    void step() {
      restartAt
          .entrySet()
          .removeIf(
              entry -> {
                if (Instant.now().isBefore(entry.getValue())) {
                  return false;
                }
                restart(entry.getKey());
                return true;
              });
      List<SledAgentProcess> live =
          stack.sleds.stream().filter(sled -> !restartAt.containsKey(sled)).toList();
      SledAgentProcess sled = live.get(random.nextInt(live.size()));
      switch (random.nextInt(6)) {
        case 0 -> {
          if (restartAt.size() < MAX_DOWN) {
            sled.kill();
            kills++;
            restartAt.put(sled, Instant.now().plusMillis(1000 + random.nextInt(5000)));
          }
        }
        case 1 -> inject(sled, "delay", "{\"delay_ms\": " + (100 + random.nextInt(1400)) + "}");
        case 2 -> inject(sled, "fail", "{\"fail_percent\": " + (20 + random.nextInt(50)) + "}");
        case 3 -> inject(sled, "corrupt", "{\"corrupt_served_bytes\": true}");
        case 4 -> {
          sled.clearFaults();
          faults.merge("cleared", 1, Integer::sum);
        }
        default -> {
          // A quiet step: the fleet gets moments without a new fault.
        }
      }
    }

    /** Brings every killed sled back and clears every sled's faults. */
    void stop() {
      new ArrayList<>(restartAt.keySet()).forEach(this::restart);
      restartAt.clear();
      stack.sleds.forEach(SledAgentProcess::clearFaults);
    }

    private void inject(SledAgentProcess sled, String kind, String settings) {
      sled.injectFaults(settings);
      faults.merge(kind, 1, Integer::sum);
    }

    private void restart(SledAgentProcess sled) {
      sled.restart();
      restarts++;
    }
  }

  /**
   * Samples, over and over, whether an artifact referenced by a repository is on no sled and not in
   * the local depot. A sled that does not answer its listing (killed, restarting, failing requests
   * on purpose) counts with the complete copies on its disks, which it serves again once it
   * answers. An artifact counts as referenced only if the database referenced it both before and
   * after the sample, so that a delete during a sample is no false alarm.
   */
  private static final class LossChecker implements Runnable {
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final AtomicLong samples = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public void run() {
      while (!stopped.get()) {
        Set<String> referencedBefore = stack.referencedArtifacts();
        Set<String> depot = stack.depotArtifacts();
        Set<String> held = new HashSet<>();
        for (SledAgentProcess sled : stack.sleds) {
          held.addAll(
              sled.tryListing()
                  .map(listing -> listing.copies().keySet())
                  .orElseGet(sled::artifactsOnDisk));
        }
        Set<String> referenced = new TreeSet<>(referencedBefore);
        referenced.retainAll(stack.referencedArtifacts());
        referenced.removeAll(depot);
        referenced.removeAll(held);
        if (!referenced.isEmpty()) {
          violations.add(Instant.now() + ": " + referenced);
        }
        samples.incrementAndGet();
        SeparateWorkersStack.sleep(Duration.ofMillis(10));
      }
    }

    void stop() {
      stopped.set(true);
    }
  }
}

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The artifact-set generation across real processes: two uploads committed at once each bump it,
 * and both end replicated without any sled ever dropping an artifact it held; a config with an
 * older generation, as a control plane with a stale view would send, is refused by the sled, whose
 * artifacts all stay.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationGenerationEndToEndTest {
  private static final int SLEDS = 4;
  private static final Duration CONVERGENCE = Duration.ofSeconds(90);
  private static final long SEED = 7_129L;

  private static ReplicationStack stack;
  private static Set<String> referenced;

  @BeforeAll
  static void startStack() {
    stack =
        ReplicationStack.start(
            "replication-generation", SLEDS, true, Map.of(), "--reconcile-interval=1s");
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void twoUploadsAtOnceBumpTheGenerationTwiceAndBothReachEverySledWithoutAnyDeletion()
      throws Exception {
    Random random = new Random(SEED);
    List<Target> targetsOfA = ReplicationArchives.randomTargets(random, "a", 4, 300_000, 1_500_000);
    List<Target> targetsOfB =
        new ArrayList<>(ReplicationArchives.randomTargets(random, "b", 4, 300_000, 1_500_000));
    // One artifact in both: the depot must keep its file until neither repository needs it locally.
    targetsOfB.add(targetsOfA.get(0));
    Repository a = new Repository("concurrent-a", "1.0.0", targetsOfA);
    Repository b = new Repository("concurrent-b", "1.0.0", targetsOfB);
    long before = stack.generation();

    ExecutorService threads = Executors.newFixedThreadPool(3);
    DeletionWatch watch = new DeletionWatch();
    Future<?> watching = threads.submit(watch);
    CyclicBarrier together = new CyclicBarrier(2);
    Future<HttpResponse<String>> uploadA = threads.submit(() -> upload(together, a));
    Future<HttpResponse<String>> uploadB = threads.submit(() -> upload(together, b));
    List<JsonNode> created = new ArrayList<>();
    for (HttpResponse<String> answer : List.of(uploadA.get(), uploadB.get())) {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
      created.add(DrydockStack.json(answer));
    }
    assertThat(created.stream().map(body -> body.path("generation").asLong()))
        .containsExactlyInAnyOrder(before + 1, before + 2);
    assertThat(stack.generation()).isEqualTo(before + 2);

    referenced = new TreeSet<>(a.artifacts());
    referenced.addAll(b.artifacts());
    stack.awaitOnEverySled(referenced, CONVERGENCE);
    for (JsonNode repository : created) {
      stack.awaitLocalCopiesFreed(repository.path("id").asText(), CONVERGENCE);
    }
    assertThat(stack.depotArtifacts()).isEmpty();
    for (SledAgentProcess sled : stack.sleds) {
      assertThat(sled.listing().generation()).isEqualTo(before + 2);
    }
    watch.stop();
    watching.get();
    threads.shutdown();
    assertThat(watch.dropped).as("artifacts a sled listed and later did not").isEmpty();
    JsonNode lifetime = stack.replication().path("status").path("lifetime");
    assertThat(lifetime.path("artifact_puts").asLong()).isEqualTo(referenced.size());
    System.out.printf(
        "[drydock-tests] replication generation: two concurrent uploads (generations %d and %d, %d artifacts, one"
            + " shared) on %d sleds and freed; %d listings sampled, none dropped an artifact; depot sent %d puts%n",
        before + 1,
        before + 2,
        referenced.size(),
        SLEDS,
        watch.samples.get(),
        lifetime.path("artifact_puts").asLong());
  }

  @Test
  @Order(2)
  void aSledRefusesAConfigOfAnOlderGenerationAndKeepsEveryArtifact() {
    SledAgentProcess sled = stack.sleds.get(0);
    long current = stack.generation();
    assertThat(sled.listing().generation()).isEqualTo(current);
    List<String> fewer = new ArrayList<>(referenced).subList(0, 2);

    HttpResponse<String> older = sled.putConfig(current - 1, fewer);
    assertThat(older.statusCode()).as(older.body()).isEqualTo(409);
    assertThat(DrydockStack.json(older).path("error_code").asText()).isEqualTo("CONFIG_GENERATION");
    HttpResponse<String> sameButOther = sled.putConfig(current, fewer);
    assertThat(sameButOther.statusCode()).as(sameButOther.body()).isEqualTo(409);
    assertThat(DrydockStack.json(sameButOther).path("error_code").asText())
        .isEqualTo("CONFIG_GENERATION");

    // Two more activations (each at least the 2 s period apart) give the sled's reconciler, every
    // second, several
    // chances to act on a config it should not have taken.
    long activations = stack.replication().path("status").path("activations").asLong();
    DrydockStack.await(
        () -> stack.replication().path("status").path("activations").asLong(),
        seen -> seen >= activations + 2,
        CONVERGENCE,
        "two more activations");
    SledAgentProcess.Listing listing = sled.listing();
    assertThat(listing.generation()).isEqualTo(current);
    assertThat(listing.copies().keySet()).containsExactlyInAnyOrderElementsOf(referenced);
    assertThat(sled.artifactsOnDisk()).containsExactlyInAnyOrderElementsOf(referenced);
    referenced.forEach(artifact -> assertThat(sled.copiesOnDisk(artifact)).isEqualTo(2));
    System.out.printf(
        "[drydock-tests] replication generation: a config of generation %d replayed at a sled of generation %d got"
            + " 409 CONFIG_GENERATION; the sled kept all %d artifacts on both disks%n",
        current - 1, current, referenced.size());
  }

  private static HttpResponse<String> upload(CyclicBarrier together, Repository repository)
      throws Exception {
    byte[] zip = repository.zip();
    together.await();
    return stack.upload(zip);
  }

  /**
   * Lists every sled over and over and records each artifact a sled listed and later no longer did:
   * the sleds only list artifacts of their config, so a config that dropped one, even for a moment,
   * shows here.
   */
  private static final class DeletionWatch implements Runnable {
    final ConcurrentLinkedQueue<String> dropped = new ConcurrentLinkedQueue<>();
    final AtomicLong samples = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Map<String, Set<String>> listed = new HashMap<>();

    @Override
    public void run() {
      while (!stopped.get()) {
        for (SledAgentProcess sled : stack.sleds) {
          sled.tryListing()
              .ifPresent(
                  listing -> {
                    Set<String> before = listed.getOrDefault(sled.id, Set.of());
                    before.stream()
                        .filter(artifact -> !listing.copies().containsKey(artifact))
                        .forEach(artifact -> dropped.add(sled.id + " dropped " + artifact));
                    listed.put(sled.id, Set.copyOf(listing.copies().keySet()));
                    samples.incrementAndGet();
                  });
        }
        SeparateWorkersStack.sleep(Duration.ofMillis(20));
      }
    }

    void stop() {
      stopped.set(true);
    }
  }
}

package io.drydock.quickstart.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ReplicationArchives;
import io.drydock.quickstart.ReplicationArchives.Repository;
import io.drydock.quickstart.ReplicationArchives.Target;
import io.drydock.quickstart.SledAgentProcess;
import io.drydock.workflows.replication.ReplicationWorkflows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Artifact replication from upload to every sled and back, on four sled agent processes registered
 * through the API: one activation puts every artifact on every sled with the depot sending each
 * once, the next frees the depot's copies, a second upload sends only what is new, a delete makes
 * the sleds drop what no repository needs any more, and the inventory answers for the sleds that
 * answer when one is down. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationEndToEndTest {
  private static final int SLEDS = 4;
  private static final Duration CONVERGENCE = Duration.ofSeconds(60);
  private static final long SEED = 20_241_121L;

  private static final Random random = new Random(SEED);
  private static ReplicationStack stack;
  private static Repository first;
  private static String firstId;
  private static Repository second;
  private static String secondId;

  @BeforeAll
  static void startStack() {
    stack =
        ReplicationStack.start(
            "replication-e2e", SLEDS, false, Map.of(), "--reconcile-interval=1s");
    for (SledAgentProcess sled : stack.sleds) {
      HttpResponse<String> registered = stack.registerSled(sled);
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    }
    JsonNode sleds = stack.get("/api/v1/sleds").path("sleds");
    assertThat(sleds).hasSize(SLEDS);
    sleds.forEach(sled -> assertThat(sled.path("state").asText()).isEqualTo("in_service"));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void badUploadsAreRefusedWithA4xxAndChangeNothing() throws IOException {
    long generation = stack.generation();
    byte[] notAZip = "these bytes are no zip archive".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> garbage = stack.upload(notAZip);
    assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(400);
    assertThat(DrydockStack.errorCode(garbage)).isEqualTo("ARCHIVE_INVALID");

    ByteArrayOutputStream escaping = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(escaping)) {
      zip.putNextEntry(new ZipEntry("targets/../../etc/cron.d/evil"));
      zip.write("* * * * * root true".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    HttpResponse<String> traversal = stack.upload(escaping.toByteArray());
    assertThat(traversal.statusCode()).as(traversal.body()).isEqualTo(400);
    assertThat(DrydockStack.errorCode(traversal)).isEqualTo("ARCHIVE_INVALID");

    Repository valid =
        new Repository(
            "refused", "0.0.1", ReplicationArchives.randomTargets(random, "r", 1, 10, 100));
    HttpResponse<String> wrongType =
        stack.stack.request("POST", "/api/v1/artifact-repositories", "text/plain", valid.zip());
    assertThat(wrongType.statusCode()).as(wrongType.body()).isEqualTo(415);

    assertThat(stack.generation()).isEqualTo(generation);
    assertThat(stack.get("/api/v1/artifact-repositories").path("repositories")).isEmpty();
    assertThat(stack.depotArtifacts()).isEmpty();
  }

  @Test
  @Order(2)
  void oneActivationPutsEveryArtifactOnEverySledSendingEachOnceAndTheNextFreesTheDepot() {
    first =
        new Repository(
            "e2e-one",
            "1.0.0",
            ReplicationArchives.randomTargets(random, "one", 5, 100_000, 900_000));
    long before = stack.generation();
    Instant uploaded = Instant.now();
    JsonNode repository = created(stack.upload(first.zip()));
    firstId = repository.path("id").asText();
    long generation = repository.path("generation").asLong();
    assertThat(generation).isEqualTo(before + 1);
    assertThat(repository.path("local_freed_at").isNull()).isTrue();
    assertThat(repository.path("artifacts")).hasSize(first.targets().size());
    assertThat(stack.depotArtifacts()).containsExactlyInAnyOrderElementsOf(first.artifacts());

    JsonNode run = firstRunAt(generation);
    Instant replicated = Instant.now();
    assertThat(run.path("outcome").asText()).as(run.toString()).isEqualTo("converged");
    assertThat(run.path("freed_repositories")).as("freed only by the next activation").isEmpty();
    JsonNode counters = run.path("counters");
    assertThat(counters.path("artifact_puts").asLong()).isEqualTo(first.artifacts().size());
    assertThat(counters.path("bytes_sent_by_depot").asLong()).isEqualTo(first.totalLength());
    assertThat(counters.path("copies").asLong())
        .isEqualTo((long) first.artifacts().size() * (SLEDS - 1));
    assertThat(
            counters.path("artifact_put_failures").asLong()
                + counters.path("copy_failures").asLong())
        .isZero();
    for (SledAgentProcess sled : stack.sleds) {
      SledAgentProcess.Listing listing = sled.listing();
      assertThat(listing.generation()).isEqualTo(generation);
      first
          .artifacts()
          .forEach(artifact -> assertThat(listing.copies()).as(sled.id).containsEntry(artifact, 2));
    }
    assertInventoryComplete(generation, first.artifacts());
    JsonNode lifetime = stack.replication().path("status").path("lifetime");
    assertThat(lifetime.path("artifact_puts").asLong()).isEqualTo(first.artifacts().size());
    assertThat(lifetime.path("bytes_sent_by_depot").asLong()).isEqualTo(first.totalLength());
    assertThat(putsAt(generation))
        .as("one put per artifact")
        .containsExactlyInAnyOrderElementsOf(first.artifacts());

    JsonNode freeing =
        stack.awaitLastRun(
            r -> contains(r.path("freed_repositories"), firstId), CONVERGENCE, "freeing");
    assertThat(freeing.path("counters").path("artifact_puts").asLong()).isZero();
    assertThat(freeing.path("counters").path("copies").asLong()).isZero();
    assertThat(
            stack.get("/api/v1/artifact-repositories/" + firstId).path("local_freed_at").isNull())
        .isFalse();
    assertThat(stack.depotArtifacts()).isEmpty();
    System.out.printf(
        "[drydock-tests] replication e2e: %d artifacts, %d bytes replicated to %d sled processes by one activation"
            + " (%d rounds) %d ms after the upload; depot sent %d bytes in %d puts, sleds made %d copies;"
            + " the next activation freed the depot%n",
        first.artifacts().size(),
        first.totalLength(),
        SLEDS,
        run.path("rounds").asInt(),
        Duration.between(uploaded, replicated).toMillis(),
        counters.path("bytes_sent_by_depot").asLong(),
        counters.path("artifact_puts").asLong(),
        counters.path("copies").asLong());
  }

  @Test
  @Order(3)
  void aSecondUploadSendsOnlyTheArtifactsNoSledHasYet() {
    List<Target> fresh =
        new ArrayList<>(ReplicationArchives.randomTargets(random, "two", 4, 100_000, 900_000));
    // A zero-length target is legal TUF: it must reach every sled and let the depot's copy be freed
    // like the rest.
    fresh.add(new Target("empty.bin", new byte[0]));
    Target shared = first.targets().get(0);
    List<Target> targets = new ArrayList<>(fresh);
    targets.add(new Target("shared-with-one.img", shared.bytes()));
    second = new Repository("e2e-two", "2.0.0", targets);
    JsonNode repository = created(stack.upload(second.zip()));
    secondId = repository.path("id").asText();
    long generation = repository.path("generation").asLong();

    JsonNode run = firstRunAt(generation);
    assertThat(run.path("outcome").asText()).as(run.toString()).isEqualTo("converged");
    JsonNode counters = run.path("counters");
    assertThat(counters.path("artifact_puts").asLong()).isEqualTo(fresh.size());
    assertThat(counters.path("bytes_sent_by_depot").asLong())
        .isEqualTo(fresh.stream().mapToLong(Target::length).sum());
    assertThat(putsAt(generation)).doesNotContain(shared.sha256());
    stack.awaitOnEverySled(second.artifacts(), CONVERGENCE);
    assertInventoryComplete(generation, union(first.artifacts(), second.artifacts()));

    stack.awaitLastRun(
        r -> contains(r.path("freed_repositories"), secondId), CONVERGENCE, "freeing the second");
    assertThat(stack.depotArtifacts()).isEmpty();
    JsonNode lifetime = stack.replication().path("status").path("lifetime");
    System.out.printf(
        "[drydock-tests] replication e2e: second upload of %d artifacts (one already on every sled): depot sent %d"
            + " bytes in %d puts; lifetime %d puts, %d bytes, %d copies, %d activations%n",
        second.artifacts().size(),
        counters.path("bytes_sent_by_depot").asLong(),
        counters.path("artifact_puts").asLong(),
        lifetime.path("artifact_puts").asLong(),
        lifetime.path("bytes_sent_by_depot").asLong(),
        lifetime.path("copies").asLong(),
        stack.replication().path("status").path("activations").asLong());
  }

  @Test
  @Order(4)
  void deletingARepositoryRemovesItsFilesFromEverySledAndKeepsWhatAnotherNeeds() {
    long before = stack.generation();
    HttpResponse<String> deleted =
        stack.stack.request("DELETE", "/api/v1/artifact-repositories/" + firstId);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(stack.generation()).isEqualTo(before + 1);
    assertThat(stack.stack.request("GET", "/api/v1/artifact-repositories/" + firstId).statusCode())
        .isEqualTo(404);

    Set<String> onlyFirst = new TreeSet<>(first.artifacts());
    onlyFirst.removeAll(second.artifacts());
    assertThat(onlyFirst).hasSize(first.artifacts().size() - 1);
    Instant start = Instant.now();
    DrydockStack.await(
        () ->
            stack.sleds.stream()
                .noneMatch(sled -> sled.artifactsOnDisk().stream().anyMatch(onlyFirst::contains)),
        Boolean::booleanValue,
        CONVERGENCE,
        "the sleds' reconcilers to delete the first repository's files");
    long millis = Duration.between(start, Instant.now()).toMillis();
    for (SledAgentProcess sled : stack.sleds) {
      assertThat(sled.artifactsOnDisk())
          .as(sled.id)
          .containsExactlyInAnyOrderElementsOf(second.artifacts());
      second
          .artifacts()
          .forEach(artifact -> assertThat(sled.copiesOnDisk(artifact)).as(sled.id).isEqualTo(2));
      assertThat(sled.listing().copies().keySet())
          .containsExactlyInAnyOrderElementsOf(second.artifacts());
    }
    assertThat(stack.referencedArtifacts()).containsExactlyInAnyOrderElementsOf(second.artifacts());
    System.out.printf(
        "[drydock-tests] replication e2e: DELETE of a repository: %d files gone from all %d sleds %d ms later, the"
            + " artifact it shared with another kept%n",
        onlyFirst.size(), SLEDS, millis);
  }

  @Test
  @Order(5)
  void theInventoryOfAFleetWithAKilledSledIsPartialAndTheSledComesBackWithItsArtifacts() {
    SledAgentProcess killed = stack.sleds.get(SLEDS - 1);
    killed.kill();
    HttpResponse<String> answer = stack.stack.request("GET", "/api/v1/sleds/inventory");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode inventory = DrydockStack.json(answer);
    assertThat(inventory.path("errors")).isNotEmpty();
    inventory
        .path("errors")
        .forEach(error -> assertThat(error.path("sled").asText()).isEqualTo(killed.id));
    assertThat(inventory.path("sleds")).hasSize(SLEDS - 1);
    assertThat(ReplicationStack.sledsPerArtifact(inventory))
        .containsOnlyKeys(second.artifacts())
        .allSatisfy((artifact, sleds) -> assertThat(sleds).isEqualTo(SLEDS - 1));
    JsonNode partial =
        stack.awaitLastRun(
            r -> contains(r.path("unreachable_sleds"), killed.id),
            CONVERGENCE,
            "with the killed sled unreachable");
    assertThat(partial.path("outcome").asText()).isEqualTo("partial");

    killed.restart();
    stack.awaitLastRun(
        r -> r.path("outcome").asText().equals("converged"), CONVERGENCE, "converged again");
    assertInventoryComplete(stack.generation(), second.artifacts());
    stack.stack.recordHistory(
        ReplicationWorkflows.WORKFLOW_ID, "replication-pipelined-real-dev-server.json");
  }

  /** The first activation that worked on this generation, or a later one if it was missed. */
  private static JsonNode firstRunAt(long generation) {
    JsonNode run =
        stack.awaitLastRun(
            r -> r.path("generation").asLong() >= generation,
            CONVERGENCE,
            "at generation " + generation);
    assertThat(run.path("generation").asLong())
        .as("the first activation at generation %d", generation)
        .isEqualTo(generation);
    return run;
  }

  private static void assertInventoryComplete(long generation, Collection<String> artifacts) {
    JsonNode inventory = stack.get("/api/v1/sleds/inventory");
    assertThat(inventory.path("errors")).isEmpty();
    assertThat(inventory.path("generation").asLong()).isEqualTo(generation);
    assertThat(inventory.path("sleds")).hasSize(SLEDS);
    inventory
        .path("sleds")
        .forEach(
            sled -> {
              assertThat(sled.path("generation").asLong()).isEqualTo(generation);
              assertThat(sled.path("config_generation").asLong()).isEqualTo(generation);
            });
    assertThat(ReplicationStack.sledsPerArtifact(inventory))
        .containsOnlyKeys(artifacts)
        .allSatisfy((artifact, sleds) -> assertThat(sleds).isEqualTo(SLEDS));
  }

  /** The artifacts the request log shows the depot put at this generation, one entry per put. */
  private static List<String> putsAt(long generation) {
    return stack.recentRequests("put").stream()
        .filter(request -> request.path("generation").asLong() == generation)
        .map(request -> request.path("sha256").asText())
        .toList();
  }

  private static JsonNode created(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    return DrydockStack.json(answer);
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode element : array) {
      if (element.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> union(List<String> a, List<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}

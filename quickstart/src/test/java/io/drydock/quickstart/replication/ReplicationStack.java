package io.drydock.quickstart.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ReplicationArchives;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SledAgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Artifact replication as production runs it: sled agents as processes of their own (see {@link
 * SledAgentProcess}), the API in this JVM and the worker in a JVM of its own ({@link
 * SeparateWorkersStack}), sharing a local depot directory as the documentation asks of separate
 * processes, with a Temporal dev server and database of their own. Activations come every {@link
 * #ACTIVATION_PERIOD} besides the signals of uploads and deletes.
 */
final class ReplicationStack implements AutoCloseable {
  private static final Duration ACTIVATION_PERIOD = Duration.ofSeconds(2);
  private static final int MIN_SLED_REPLICATION = 3;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  final SeparateWorkersStack stack;
  final List<SledAgentProcess> sleds;
  final Path depot;

  private ReplicationStack(
      String name, List<SledAgentProcess> sleds, SeparateWorkersStack stack, Path depot) {
    this.sleds = sleds;
    this.stack = stack;
    this.depot = depot;
    stack.startWorker(name);
  }

  /**
   * Starts {@code sledCount} sled agents ({@code sled-1}...) with the given arguments, then the
   * stack.
   *
   * @param configured whether the sleds are registered by {@code drydock.replication.sleds} at
   *     start-up; if not, the test registers them with {@link #registerSled}
   * @param properties more Spring properties for the API and the worker
   */
  static ReplicationStack start(
      String name,
      int sledCount,
      boolean configured,
      Map<String, String> properties,
      String... sledArguments) {
    Path root;
    try {
      root = Files.createTempDirectory("drydock-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> ids = IntStream.rangeClosed(1, sledCount).mapToObj(i -> "sled-" + i).toList();
    List<SledAgentProcess> sleds =
        SledAgentProcess.startAll(root.resolve("sleds"), ids, sledArguments);
    Path depot = root.resolve("depot");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("drydock.replication.depot-dir", depot.toString());
    all.put("drydock.tuf.trusted-root", ReplicationArchives.trustedRoot().toString());
    all.put("drydock.replication.activation-period", ACTIVATION_PERIOD.toSeconds() + "s");
    all.put("drydock.replication.min-sled-replication", String.valueOf(MIN_SLED_REPLICATION));
    if (configured) {
      List<String> entries = sleds.stream().map(sled -> sled.id + "=" + sled.baseUrl()).toList();
      all.put("drydock.replication.sleds", String.join(",", entries));
    }
    all.putAll(properties);
    SeparateWorkersStack stack = null;
    try {
      // The stack deletes the directory it is given as the (unused) legacy storage when it closes:
      // the depot and the
      // sleds' data directories go with it.
      stack = SeparateWorkersStack.start(root, Duration.ofSeconds(5), all);
      return new ReplicationStack(name, sleds, stack, depot);
    } catch (RuntimeException e) {
      sleds.forEach(SledAgentProcess::close);
      if (stack != null) {
        stack.close();
      }
      throw e;
    }
  }

  HttpResponse<String> upload(byte[] zip) {
    return stack.request("POST", "/api/v1/artifact-repositories", "application/zip", zip);
  }

  HttpResponse<String> registerSled(SledAgentProcess sled) {
    byte[] body = ("{\"base_url\": \"" + sled.baseUrl() + "\"}").getBytes(StandardCharsets.UTF_8);
    return stack.request("PUT", "/api/v1/sleds/" + sled.id, "application/json", body);
  }

  /** A GET that must answer 200, as JSON. */
  JsonNode get(String pathAndQuery) {
    HttpResponse<String> answer = stack.request("GET", pathAndQuery);
    assertThat(answer.statusCode()).as("GET " + pathAndQuery + ": " + answer.body()).isEqualTo(200);
    return DrydockStack.json(answer);
  }

  /** {@code GET /api/v1/replication}. */
  JsonNode replication() {
    return get("/api/v1/replication");
  }

  long generation() {
    return stack
        .database
        .sql("SELECT generation FROM artifact_generation")
        .query(Long.class)
        .single();
  }

  /** Every artifact of every repository the database holds now. */
  Set<String> referencedArtifacts() {
    return new TreeSet<>(
        stack
            .database
            .sql("SELECT DISTINCT sha256 FROM artifact_repository_targets")
            .query(String.class)
            .list());
  }

  /** The artifacts the local depot holds now. */
  Set<String> depotArtifacts() {
    Set<String> held = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(depot)) {
      for (Path file : files) {
        if (SHA256.matcher(file.getFileName().toString()).matches()) {
          held.add(file.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return held;
  }

  /**
   * Waits for the workflow's last finished activation to match, polling often enough to see each
   * one (they come at least {@link #ACTIVATION_PERIOD} apart unless a signal arrives during one),
   * and returns it.
   */
  JsonNode awaitLastRun(Predicate<JsonNode> matching, Duration timeout, String what) {
    return DrydockStack.await(
        () -> replication().path("status").path("last_run"),
        matching,
        timeout,
        "an activation " + what);
  }

  /** Waits until every sled lists every one of the artifacts, each on both its disks. */
  void awaitOnEverySled(Collection<String> artifacts, Duration timeout) {
    DrydockStack.await(
        () -> sleds.stream().allMatch(sled -> holdsAll(sled, artifacts)),
        Boolean::booleanValue,
        timeout,
        artifacts.size() + " artifacts on every sled");
  }

  /**
   * Waits until the repository's {@code local_freed_at} is set: the depot no longer keeps its
   * artifacts.
   */
  void awaitLocalCopiesFreed(String repositoryId, Duration timeout) {
    DrydockStack.await(
        () -> get("/api/v1/artifact-repositories/" + repositoryId).path("local_freed_at"),
        freedAt -> !freedAt.isNull(),
        timeout,
        "the local copies of repository " + repositoryId + " to be freed");
  }

  /**
   * Every artifact of the page {@code GET /api/v1/sleds/inventory} answers, to the number of sleds
   * listing it.
   */
  static Map<String, Integer> sledsPerArtifact(JsonNode inventory) {
    Map<String, Integer> sleds = new LinkedHashMap<>();
    inventory
        .path("artifacts")
        .properties()
        .forEach(entry -> sleds.put(entry.getKey(), entry.getValue().path("sleds").asInt()));
    return sleds;
  }

  /**
   * The requests the request log holds, oldest first, of the kind ({@code put}, {@code copy}...).
   */
  List<JsonNode> recentRequests(String kind) {
    List<JsonNode> requests = new ArrayList<>();
    for (JsonNode request : replication().path("recent_requests")) {
      if (request.path("kind").asText().equals(kind)) {
        requests.add(0, request);
      }
    }
    return requests;
  }

  @Override
  public void close() {
    sleds.forEach(SledAgentProcess::close);
    stack.close();
  }

  private static boolean holdsAll(SledAgentProcess sled, Collection<String> artifacts) {
    return sled.tryListing()
        .map(
            listing ->
                artifacts.stream()
                    .allMatch(artifact -> listing.copies().getOrDefault(artifact, 0) == 2))
        .orElse(false);
  }
}

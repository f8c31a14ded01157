package io.drydock.benchmarks.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.benchmarks.BenchmarkStack;
import io.drydock.benchmarks.Json;
import io.drydock.benchmarks.replication.BenchmarkSleds.Member;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Drydock's plan, the real thing: the worker and the API in one Spring context as the quick start
 * runs them, on a Temporal server and database of their own, driven over HTTP as an operator would:
 * register the sleds, upload the repository, and let the replication workflow do the rest. Between
 * rounds the workflow is paused, so that no activation of Drydock's runs while the Oxide-style plan
 * is measured.
 */
final class DrydockPlan implements AutoCloseable {
  /**
   * Activations run one at a time, and the timer restarts after each: with the upload coming right
   * after an activation, the measured activation is the upload's; only one that ends partial would
   * wait for the timer.
   */
  private static final Duration ACTIVATION_PERIOD = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private final ConfigurableApplicationContext context;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String baseUrl;
  private final String authorization;
  private boolean paused;

  DrydockPlan(TemporalTestServer temporal, String jdbcUrl, Path directory, int inFlight)
      throws IOException {
    Path legacyRoot = directory.resolve("legacy");
    // The worker's migration side insists on a legacy storage tree; replication never reads it.
    Files.createDirectories(legacyRoot.resolve("docker/registry/v2"));
    String secret = BenchmarkStack.newSecret();
    context =
        BenchmarkStack.startContext(
            temporal,
            jdbcUrl,
            legacyRoot,
            secret,
            "--drydock.replication.depot-dir=" + directory.resolve("depot"),
            "--drydock.tuf.allow-unsigned=true",
            "--drydock.replication.activation-period=" + ACTIVATION_PERIOD.toSeconds() + "s",
            "--drydock.replication.min-sled-replication=" + OxidePlan.PUTS_PER_ARTIFACT,
            "--drydock.replication.max-requests-in-flight=" + inFlight);
    baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    authorization = "Bearer " + BenchmarkStack.token(secret);
  }

  /**
   * Registers the fleet's sleds at their proxies and waits for an activation to give them the
   * current config.
   */
  void register(BenchmarkSleds fleet) {
    for (Member sled : fleet.members()) {
      String body = "{\"base_url\": \"" + sled.front() + "\"}";
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      expect(201, send("PUT", "/api/v1/sleds/" + sled.id(), "application/json", json));
    }
    if (paused) {
      expect(202, send("POST", "/api/v1/replication/resume", null, null));
      paused = false;
    }
    long activations = status().path("activations").asLong();
    expect(202, send("POST", "/api/v1/replication/activate", null, null));
    await(
        status ->
            status.path("activations").asLong() > activations
                && !status.path("activation_running").asBoolean(),
        "an activation with the new sleds");
  }

  /**
   * Uploads the zip and returns the repository with the generation its upload committed, once the
   * upload is committed and the workflow signalled.
   */
  JsonNode upload(byte[] zip) {
    return expect(201, send("POST", "/api/v1/artifact-repositories", "application/zip", zip));
  }

  /** The first activation that worked on the generation, once it is over. */
  JsonNode activationAt(long generation) {
    return await(
            status ->
                status.path("last_run").path("generation").asLong() >= generation
                    && !status.path("activation_running").asBoolean(),
            "the activation at generation " + generation)
        .path("last_run");
  }

  /**
   * Hops of the longest chain of requests that succeeded at the generation (the depot's put is one,
   * each copy one more than its source's), from the request log, oldest request first.
   */
  int longestChain(long generation) {
    JsonNode recent =
        expect(200, send("GET", "/api/v1/replication", null, null)).path("recent_requests");
    Map<String, Integer> hops = new HashMap<>();
    int longest = 0;
    for (int i = recent.size() - 1; i >= 0; i--) {
      JsonNode request = recent.get(i);
      String kind = request.path("kind").asText();
      if (request.path("generation").asLong() != generation || !request.path("ok").asBoolean()) {
        continue;
      }
      String artifact = request.path("sha256").asText();
      int depth;
      if (kind.equals("put")) {
        depth = 1;
      } else if (kind.equals("copy")) {
        // A source that held the artifact before the activation counts as the depot's put, as the
        // workflow counts it.
        depth = hops.getOrDefault(artifact + "@" + request.path("source_sled").asText(), 1) + 1;
      } else {
        continue;
      }
      hops.put(artifact + "@" + request.path("target_sled").asText(), depth);
      longest = Math.max(longest, depth);
    }
    return longest;
  }

  /**
   * Pauses the workflow, expunges the fleet's sleds and deletes the repository, so the next round
   * starts clean.
   */
  void retire(BenchmarkSleds fleet, String repositoryId) {
    expect(202, send("POST", "/api/v1/replication/pause", null, null));
    paused = true;
    for (Member sled : fleet.members()) {
      expect(200, send("POST", "/api/v1/sleds/" + sled.id() + "/expunge", null, null));
    }
    expect(204, send("DELETE", "/api/v1/artifact-repositories/" + repositoryId, null, null));
  }

  /** Where the time of the requests since {@code since} went, from the workflow's histories. */
  String requestTimings(Instant since) {
    return RequestTimings.of(
        context.getBean(WorkflowClient.class), ReplicationWorkflows.WORKFLOW_ID, since);
  }

  @Override
  public void close() {
    context.close();
  }

  private JsonNode status() {
    return expect(200, send("GET", "/api/v1/replication", null, null)).path("status");
  }

  private JsonNode await(Predicate<JsonNode> done, String what) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (true) {
      JsonNode status = status();
      if (done.test(status)) {
        return status;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "timed out waiting for " + what + "; workflow status: " + status);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", authorization)
            .method(method, publisher);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode expect(int status, HttpResponse<String> answer) {
    if (answer.statusCode() != status) {
      throw new IllegalStateException(
          answer.request().method()
              + " "
              + answer.request().uri().getPath()
              + " answered "
              + answer.statusCode()
              + " where "
              + status
              + " was expected: "
              + answer.body());
    }
    try {
      return answer.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + answer.body(), e);
    }
  }
}

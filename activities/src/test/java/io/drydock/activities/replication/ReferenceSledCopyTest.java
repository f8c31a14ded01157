package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.sledagent.SledAgent;
import io.drydock.sledagent.SledAgentOptions;
import io.drydock.workflows.replication.DesiredArtifacts;
import io.drydock.workflows.replication.ReplicationActivities;
import io.drydock.workflows.replication.RequestOutcome;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies between Drydock's reference sled agents, run in this JVM: their {@code GET
 * /artifacts/{sha256}/copy-status} lets the copy activity tell a failed copy, or one the target
 * forgot by restarting, within about a second rather than at {@code
 * DRYDOCK_REPLICATION_COPY_TIMEOUT}. The time limit here is longer than the activity's own, so an
 * outcome at all shows that the activity did not wait for it.
 */
class ReferenceSledCopyTest {
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);
  private static final String ARTIFACT_TEXT = "service processor image ".repeat(16 * 1024);
  private static final Map<String, byte[]> TARGETS = TestArchives.targets("sp.bin", ARTIFACT_TEXT);
  private static final String SP = TestArchives.sha256(ARTIFACT_TEXT);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();
  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  private SledAgent source;
  private SledAgent target;
  private TestActivityEnvironment temporal;
  private ReplicationActivities activities;
  private long generation;

  @BeforeEach
  void start() {
    database.upload.upload(TestArchives.repository("release", TARGETS).stream());
    source = sled("source", sourceDir, 0);
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(database.activities(COPY_TIMEOUT));
    activities =
        temporal.newActivityStub(
            ReplicationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    DesiredArtifacts desired = database.store.desired();
    generation = desired.generation();
    activities.syncSled("source", generation, desired.artifacts());
    assertThat(activities.putArtifact("source", generation, SP).ok()).isTrue();
  }

  @AfterEach
  void stop() {
    temporal.close();
    source.close();
    if (target != null) {
      target.close();
    }
  }

  @Test
  void aCopyTheTargetReportsFailedFailsWithTheTargetsReasonBeforeTheTimeLimit() throws Exception {
    target = sled("target", targetDir, 0);
    activities.syncSled("target", generation, List.of(SP));
    send("POST", source.baseUri().resolve("/faults"), "{\"corrupt_served_bytes\": true}");

    RequestOutcome outcome = activities.copyArtifact("target", "source", generation, SP);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error()).startsWith("the target reports the copy failed: ").contains(SP);
    assertThat(database.requests.recent(1).get(0).error()).isEqualTo(outcome.error());
  }

  @Test
  void aCopyThatLandsIsSeenInTheTargetsListing() {
    target = sled("target", targetDir, 0);
    activities.syncSled("target", generation, List.of(SP));

    RequestOutcome outcome = activities.copyArtifact("target", "source", generation, SP);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(activities.syncSled("target", generation, List.of(SP)).copies())
        .containsEntry(SP, 2);
  }

  /**
   * The target receives at 64 KiB/s, so the 384 KiB copy is still running when it stops; started
   * again on the same disks it knows no copy, and the activity says so instead of waiting.
   */
  @Test
  void aCopyTheTargetForgetsByRestartingFailsBeforeTheTimeLimit() throws Exception {
    target = sled("target", targetDir, 64 * 1024);
    activities.syncSled("target", generation, List.of(SP));
    CompletableFuture<RequestOutcome> copy =
        CompletableFuture.supplyAsync(
            () -> activities.copyArtifact("target", "source", generation, SP));
    URI status = target.baseUri().resolve("/artifacts/" + SP + "/copy-status");
    HttpResponse<String> started = send("GET", status, null);
    for (int polls = 0; started.statusCode() == 404 && polls < 500; polls++) {
      Thread.sleep(20);
      started = send("GET", status, null);
    }
    assertThat(started.body()).contains("\"state\":\"copying\"");

    target.close();
    target = sled("target", targetDir, 0);

    RequestOutcome outcome = copy.get();
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error())
        .isEqualTo(
            "the target no longer knows the copy and does not list it (HTTP 404 COPY_UNKNOWN: no"
                + " copy of "
                + SP
                + " since this sled agent started)");
  }

  /** Starts a sled agent and registers it under its current address. */
  private SledAgent sled(String id, Path dataDir, long bandwidthBytesPerSecond) {
    try {
      SledAgent sled =
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
                  true));
      database.registry.register(id, sled.baseUri().toString(), null);
      return sled;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(String method, URI uri, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header(SledClient.API_VERSION_HEADER, SledClient.SLED_AGENT_API_VERSION)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sled-to-sled copies: one sled asked to fetch an artifact from another sled's depot. */
class DepotCopyTest {
  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  private SledAgent source;
  private SledAgent target;
  private SledClient sourceClient;
  private SledClient targetClient;
  private final Artifact artifact = Artifact.random(700_000);

  @BeforeEach
  void start() {
    source = TestSleds.start("source", sourceDir, "--enable-fault-injection");
    target = TestSleds.start("target", targetDir);
    sourceClient = TestSleds.client(source);
    targetClient = TestSleds.client(target);
    sourceClient.putConfig(1, artifact.sha256());
    sourceClient.upload(1, artifact);
    targetClient.putConfig(4, artifact.sha256());
  }

  @AfterEach
  void stop() {
    target.close();
    source.close();
  }

  @Test
  void aCopyIsAcceptedThenStoredOnBothDisks() {
    SledClient.Response response =
        targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri());

    assertThat(response.status()).isEqualTo(202);
    SledClient.await("the copy finished", () -> target.copier().succeeded() == 1);
    assertThat(targetClient.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
    assertThat(targetClient.download(artifact.sha256())).isEqualTo(artifact.bytes());
  }

  /**
   * A zero-length TUF target is legal: the sled stores it, lists it, serves it, and another sled
   * copies it.
   */
  @Test
  void anEmptyArtifactIsStoredListedServedAndCopied() {
    Artifact empty = Artifact.of(new byte[0]);
    assertThat(empty.sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sourceClient.putConfig(2, artifact.sha256(), empty.sha256());
    targetClient.putConfig(5, artifact.sha256(), empty.sha256());

    SledClient.Response put = sourceClient.putArtifact(2, empty.sha256(), BodyPublishers.noBody());

    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(sourceClient.inventory()).containsEntry(empty.sha256(), 2);
    assertThat(sourceClient.download(empty.sha256())).isEmpty();
    SledClient.Response copy = targetClient.copyFromDepot(5, empty.sha256(), source.baseUri());
    assertThat(copy.status()).as(copy.body()).isEqualTo(202);
    SledClient.await("the copy finished", () -> target.copier().succeeded() == 1);
    assertThat(targetClient.inventory()).isEqualTo(Map.of(empty.sha256(), 2));
    assertThat(targetClient.download(empty.sha256())).isEmpty();
  }

  @Test
  void aCorruptSourceLeavesNothing() {
    SledClient.Response faults = sourceClient.post("/faults", "{\"corrupt_served_bytes\": true}");
    assertThat(faults.status()).as(faults.body()).isEqualTo(204);

    SledClient.Response response =
        targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri());

    assertThat(response.status()).isEqualTo(202);
    SledClient.await("the copy failed", () -> target.copier().failed() == 1);
    assertThat(targetClient.inventory()).isEmpty();
    assertThat(TestSleds.filesOn(targetDir, "disk0")).isEmpty();
    assertThat(TestSleds.filesOn(targetDir, "disk1")).isEmpty();

    assertThat(sourceClient.delete("/faults").status()).isEqualTo(204);
    assertThat(targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri()).status())
        .isEqualTo(202);
    SledClient.await("the second copy finished", () -> target.copier().succeeded() == 1);
    assertThat(targetClient.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
  }

  /**
   * omicron's sled agent only logs a background copy that failed; this agent also answers {@code
   * GET /artifacts/{sha256}/copy-status}, so that a control plane learns it at once.
   */
  @Test
  void theCopyStatusSaysWhetherTheLatestCopySucceededOrWhyItFailed() {
    String status = "/artifacts/" + artifact.sha256() + "/copy-status";
    targetClient.get(status).assertError(404, "COPY_UNKNOWN");
    sourceClient.post("/faults", "{\"corrupt_served_bytes\": true}");

    assertThat(targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri()).status())
        .isEqualTo(202);
    SledClient.await("the copy failed", () -> target.copier().failed() == 1);

    SledClient.Response failed = targetClient.get(status);
    assertThat(failed.status()).as(failed.body()).isEqualTo(200);
    assertThat(failed.json().get("state").asText()).isEqualTo("failed");
    assertThat(failed.json().get("depot_base_url").asText()).isEqualTo(source.baseUri().toString());
    assertThat(failed.json().get("error").asText()).contains(artifact.sha256());

    sourceClient.delete("/faults");
    assertThat(targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri()).status())
        .isEqualTo(202);
    SledClient.await("the second copy finished", () -> target.copier().succeeded() == 1);
    SledClient.Response succeeded = targetClient.get(status);
    assertThat(succeeded.json().get("state").asText()).isEqualTo("succeeded");
    assertThat(succeeded.json().get("error").isNull()).isTrue();
    targetClient.get("/artifacts/not-a-hash/copy-status").assertError(400, "BAD_REQUEST");
    assertThat(targetClient.post(status, "{}").status()).isEqualTo(405);
  }

  @Test
  void aSourceWithoutTheArtifactIs502() {
    Artifact elsewhere = Artifact.random(100);
    targetClient.putConfig(5, artifact.sha256(), elsewhere.sha256());

    SledClient.Response response =
        targetClient.copyFromDepot(5, elsewhere.sha256(), source.baseUri());

    response.assertError(502, "SOURCE_UNAVAILABLE");
    assertThat(response.json().path("message").asText()).contains("404");
  }

  @Test
  void aSourceThatDoesNotAnswerIs502(@TempDir Path goneDir) {
    URI gone;
    try (SledAgent stopped = TestSleds.start("gone", goneDir)) {
      gone = stopped.baseUri();
    }

    SledClient.Response response = targetClient.copyFromDepot(4, artifact.sha256(), gone);

    response.assertError(502, "SOURCE_UNAVAILABLE");
  }

  @Test
  void aFailingSourceIs502AndFaultsClearAgain() {
    assertThat(sourceClient.post("/faults", "{\"fail_percent\": 100, \"delay_ms\": 1}").status())
        .isEqualTo(204);
    SledClient.Response failed = sourceClient.get("/artifacts");
    failed.assertError(503, "INJECTED_FAULT");

    SledClient.Response response =
        targetClient.copyFromDepot(4, artifact.sha256(), source.baseUri());
    assertThat(response.status()).isEqualTo(502);
    assertThat(response.json().path("message").asText()).contains("503");

    assertThat(sourceClient.delete("/faults").status()).isEqualTo(204);
    assertThat(sourceClient.get("/artifacts").status()).isEqualTo(200);
  }

  @Test
  void invalidFaultSettingsAre400() {
    SledClient.Response response = sourceClient.post("/faults", "{\"fail_percent\": 101}");

    response.assertError(400, "BAD_REQUEST");
  }

  @Test
  void aCopyUnderAnotherGenerationIs409() {
    SledClient.Response response =
        targetClient.copyFromDepot(3, artifact.sha256(), source.baseUri());

    response.assertError(409, "CONFIG_GENERATION");
  }

  @Test
  void aCopyOfAHashOutsideTheConfigIs400() {
    SledClient.Response response =
        targetClient.copyFromDepot(4, Artifact.random(5).sha256(), source.baseUri());

    response.assertError(400, "NOT_IN_CONFIG");
  }

  @Test
  void aBadCopyBodyIs400() {
    String path = "/artifacts/" + artifact.sha256() + "/copy-from-depot?generation=4";
    for (String body :
        new String[] {
          "",
          "{}",
          "{\"depot_base_url\": 7}",
          "{\"depot_base_url\": \"ftp://127.0.0.1:21\"}",
          "{\"depot_base_url\": \"http://127.0.0.1:1/some/path\"}",
          "{\"depot_base_url\": \"http://user@127.0.0.1:1\"}",
          "{\"depot_base_url\": \"not a url\"}"
        }) {
      SledClient.Response response = targetClient.post(path, body);
      response.assertError(400, "BAD_REQUEST");
    }
  }

  @Test
  void aDepotOutsideTheAllowedHostsIs403(@TempDir Path strictDir) {
    try (SledAgent strict =
        TestSleds.start("strict", strictDir, "--allowed-depot-hosts=127.0.0.1:1")) {
      SledClient client = TestSleds.client(strict);
      client.putConfig(1, artifact.sha256());

      SledClient.Response response = client.copyFromDepot(1, artifact.sha256(), source.baseUri());

      response.assertError(403, "DEPOT_NOT_ALLOWED");
    }
  }

  @Test
  void aCopyIntoACappedSledGoesThroughBothCaps(
      @TempDir Path cappedSourceDir, @TempDir Path cappedTargetDir) {
    String cap = "--bandwidth-bytes-per-second=" + (4 * 1024 * 1024);
    try (SledAgent cappedSource = TestSleds.start("capped-source", cappedSourceDir, cap);
        SledAgent cappedTarget = TestSleds.start("capped-target", cappedTargetDir, cap)) {
      SledClient from = TestSleds.client(cappedSource);
      SledClient to = TestSleds.client(cappedTarget);
      Artifact big = Artifact.random(3 * 1024 * 1024);
      from.putConfig(1, big.sha256());
      to.putConfig(1, big.sha256());

      from.upload(1, big);
      assertThat(to.copyFromDepot(1, big.sha256(), cappedSource.baseUri()).status()).isEqualTo(202);
      SledClient.await("the capped copy finished", () -> cappedTarget.copier().succeeded() == 1);

      assertThat(to.inventory()).isEqualTo(Map.of(big.sha256(), 2));
      assertThat(cappedSource.receiveLimiter().throttledBytes()).isEqualTo(big.bytes().length);
      assertThat(cappedSource.sendLimiter().throttledBytes()).isEqualTo(big.bytes().length);
      assertThat(cappedTarget.receiveLimiter().throttledBytes()).isEqualTo(big.bytes().length);
      assertThat(target.receiveLimiter().throttledBytes()).as("no cap, no throttling").isZero();
    }
  }
}

package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of the sled API against an agent in this JVM. */
class SledApiTest {
  private static final String UPPER_CASE_SHA =
      "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789";

  @TempDir Path dataDir;
  private SledAgent agent;
  private SledClient sled;

  @BeforeEach
  void start() {
    agent = TestSleds.start("api", dataDir);
    sled = TestSleds.client(agent);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void aNewSledHasNoConfigAndAnswersAsOmicronDoes() {
    // oxidecomputer/omicron b848b6df85531e85aaaa6d434dfb5bfd45bb42ce:
    // sled-agent/src/http_entrypoints.rs
    // artifact_config_get answers for_not_found before any config, and ArtifactStore::list
    // (sled-agent/src/
    // artifact_store.rs) Error::NoConfig, a 400 without error_code.
    SledClient.Response config = sled.get("/artifacts-config");
    assertThat(config.status()).isEqualTo(404);
    assertThat(config.json().has("error_code")).isFalse();
    assertThat(config.json().path("message").asText()).isEqualTo("Not Found");

    SledClient.Response artifacts = sled.get("/artifacts");
    assertThat(artifacts.status()).isEqualTo(400);
    assertThat(artifacts.json().has("error_code")).isFalse();
    assertThat(artifacts.json().path("message").asText())
        .isEqualTo("No artifact configuration present");

    SledClient.Response put =
        sled.putArtifact(0, Artifact.random(10).sha256(), BodyPublishers.ofString("x"));
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().path("message").asText()).isEqualTo("No artifact configuration present");
  }

  @Test
  void configPutIsIdempotentAndRefusesOlderOrConflictingGenerations() {
    Artifact a = Artifact.random(10);
    Artifact b = Artifact.random(10);
    sled.putConfig(1, a.sha256(), b.sha256());
    // The same config again, in another order and with a repeat, is the same config.
    sled.putConfig(1, b.sha256(), a.sha256(), b.sha256());

    SledClient.Response sameGenerationOtherContents =
        sled.put("/artifacts-config", SledClient.configJson(1, a.sha256()));
    sameGenerationOtherContents.assertError(409, "CONFIG_GENERATION");

    sled.putConfig(2, a.sha256());
    SledClient.Response older =
        sled.put("/artifacts-config", SledClient.configJson(1, a.sha256(), b.sha256()));
    older.assertError(409, "CONFIG_GENERATION");
    assertThat(older.json().path("message").asText()).contains("older");

    JsonNode config = sled.get("/artifacts-config").json();
    assertThat(config.path("generation").asLong()).isEqualTo(2);
    assertThat(config.path("artifacts")).extracting(JsonNode::asText).containsExactly(a.sha256());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "{\"artifacts\": []}",
        "{\"generation\": 1}",
        "{\"generation\": -1, \"artifacts\": []}",
        "{\"generation\": 1.5, \"artifacts\": []}",
        "{\"generation\": \"1\", \"artifacts\": []}",
        "{\"generation\": 1, \"artifacts\": null}",
        "{\"generation\": 1, \"artifacts\": [null]}",
        "{\"generation\": 1, \"artifacts\": [\"../x\"]}",
        "{\"generation\": 1, \"artifacts\": [\"" + UPPER_CASE_SHA + "\"]}",
        "{\"generation\": 1, \"artifacts\": [], \"extra\": true}",
        "{\"generation\": 1, \"artifacts\": []} {}"
      })
  void aMalformedConfigIsA400AndChangesNothing(String body) {
    SledClient.Response response = sled.put("/artifacts-config", body);

    response.assertError(400, "BAD_REQUEST");
    assertThat(sled.get("/artifacts-config").json().path("generation").asLong()).isZero();
  }

  @Test
  void aJsonBodyOverOneMebibyteIs413() {
    byte[] oversized =
        ("{\"generation\": 1, \"artifacts\": [], \"pad\": \""
                + "x".repeat(Exchanges.MAX_JSON_BYTES)
                + "\"}")
            .getBytes();

    SledClient.Response announced =
        sled.send("PUT", "/artifacts-config", BodyPublishers.ofByteArray(oversized));
    SledClient.Response chunked =
        sled.send("PUT", "/artifacts-config", SledClient.chunked(oversized));

    announced.assertError(413, "BODY_TOO_LARGE");
    chunked.assertError(413, "BODY_TOO_LARGE");
  }

  @Test
  void anUploadIsStoredOnBothDisksListedAndServed() {
    Artifact artifact = Artifact.random(200_000);
    Artifact wantedButAbsent = Artifact.random(10);
    sled.putConfig(3, artifact.sha256(), wantedButAbsent.sha256());

    sled.upload(3, artifact);

    SledClient.Response list = sled.get("/artifacts");
    assertThat(list.json().path("generation").asLong()).isEqualTo(3);
    assertThat(sled.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
    assertThat(sled.download(artifact.sha256())).isEqualTo(artifact.bytes());
    assertThat(TestSleds.filesOn(dataDir, "disk0")).containsExactly(artifact.sha256());
    assertThat(TestSleds.filesOn(dataDir, "disk1")).containsExactly(artifact.sha256());
  }

  @Test
  void aChunkedUploadIsCountedAndStored() {
    Artifact artifact = Artifact.random(300_000);
    sled.putConfig(1, artifact.sha256());

    SledClient.Response response =
        sled.putArtifact(1, artifact.sha256(), SledClient.chunked(artifact.bytes()));

    assertThat(response.status()).isEqualTo(200);
    assertThat(sled.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
  }

  @Test
  void uploadingTheSameArtifactAgainOrConcurrentlyKeepsOneGoodCopyPerDisk() {
    Artifact artifact = Artifact.random(500_000);
    sled.putConfig(1, artifact.sha256());

    var first =
        sled.sendAsync(
            "PUT",
            "/artifacts/" + artifact.sha256() + "?generation=1",
            BodyPublishers.ofByteArray(artifact.bytes()));
    var second =
        sled.sendAsync(
            "PUT",
            "/artifacts/" + artifact.sha256() + "?generation=1",
            BodyPublishers.ofByteArray(artifact.bytes()));
    assertThat(first.join().status()).isEqualTo(200);
    assertThat(second.join().status()).isEqualTo(200);
    sled.upload(1, artifact);

    assertThat(TestSleds.filesOn(dataDir, "disk0")).containsExactly(artifact.sha256());
    assertThat(TestSleds.filesOn(dataDir, "disk1")).containsExactly(artifact.sha256());
    assertThat(sled.download(artifact.sha256())).isEqualTo(artifact.bytes());
  }

  @Test
  void anUploadUnderAnotherGenerationIs409() {
    Artifact artifact = Artifact.random(100);
    sled.putConfig(2, artifact.sha256());

    SledClient.Response older =
        sled.putArtifact(1, artifact.sha256(), BodyPublishers.ofByteArray(artifact.bytes()));
    SledClient.Response newer =
        sled.putArtifact(3, artifact.sha256(), BodyPublishers.ofByteArray(artifact.bytes()));

    older.assertError(409, "CONFIG_GENERATION");
    newer.assertError(409, "CONFIG_GENERATION");
    assertThat(sled.inventory()).isEmpty();
  }

  @Test
  void anUploadOfAHashOutsideTheConfigIs400() {
    Artifact wanted = Artifact.random(100);
    Artifact unwanted = Artifact.random(100);
    sled.putConfig(1, wanted.sha256());

    SledClient.Response response =
        sled.putArtifact(1, unwanted.sha256(), BodyPublishers.ofByteArray(unwanted.bytes()));

    response.assertError(400, "NOT_IN_CONFIG");
    assertThat(TestSleds.filesOn(dataDir, "disk0")).isEmpty();
  }

  @Test
  void bytesThatDoNotHashToTheNameAre400AndLeaveNothing() {
    Artifact artifact = Artifact.random(100_000);
    sled.putConfig(1, artifact.sha256());
    byte[] corrupted = artifact.bytes().clone();
    corrupted[50_000] ^= 1;

    SledClient.Response response =
        sled.putArtifact(1, artifact.sha256(), BodyPublishers.ofByteArray(corrupted));

    response.assertError(400, "DIGEST_MISMATCH");
    assertThat(sled.inventory()).isEmpty();
    assertThat(TestSleds.filesOn(dataDir, "disk0")).isEmpty();
    assertThat(TestSleds.filesOn(dataDir, "disk1")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "?generation=",
        "?generation=x",
        "?generation=-1",
        "?generation=1&generation=1"
      })
  void anUploadWithoutAValidGenerationIs400(String query) {
    Artifact artifact = Artifact.random(100);
    sled.putConfig(1, artifact.sha256());

    SledClient.Response response =
        sled.send(
            "PUT",
            "/artifacts/" + artifact.sha256() + query,
            BodyPublishers.ofByteArray(artifact.bytes()));

    response.assertError(400, "BAD_REQUEST");
  }

  @Test
  void anArtifactOverTheLimitIs413WithOrWithoutContentLengthAndLeavesNothing(
      @TempDir Path smallDir) {
    try (SledAgent small = TestSleds.start("small", smallDir, "--max-artifact-bytes=1000")) {
      SledClient client = TestSleds.client(small);
      Artifact big = Artifact.random(5000);
      client.putConfig(1, big.sha256());

      SledClient.Response announced =
          client.putArtifact(1, big.sha256(), BodyPublishers.ofByteArray(big.bytes()));
      SledClient.Response chunked =
          client.putArtifact(1, big.sha256(), SledClient.chunked(big.bytes()));

      announced.assertError(413, "BODY_TOO_LARGE");
      chunked.assertError(413, "BODY_TOO_LARGE");
      assertThat(TestSleds.filesOn(smallDir, "disk0")).isEmpty();
      assertThat(TestSleds.filesOn(smallDir, "disk1")).isEmpty();
    }
  }

  @Test
  void anAbsentArtifactIs404() {
    SledClient.Response response = sled.get("/artifact/sha256/" + Artifact.random(1).sha256());

    response.assertError(404, "NOT_FOUND");
  }

  @Test
  void invalidHashesInPathsAre400() {
    String upload = "/artifacts/%s?generation=0";
    assertThat(sled.rawStatus("PUT", upload.formatted("../x"))).isEqualTo(400);
    assertThat(sled.rawStatus("PUT", upload.formatted("..%2Fconfig.json"))).isEqualTo(400);
    assertThat(sled.rawStatus("PUT", upload.formatted(UPPER_CASE_SHA))).isEqualTo(400);
    assertThat(sled.rawStatus("PUT", upload.formatted("abc"))).isEqualTo(400);
    assertThat(sled.rawStatus("GET", "/artifact/sha256/../../config.json")).isEqualTo(400);
    assertThat(sled.rawStatus("GET", "/artifact/sha256/" + UPPER_CASE_SHA)).isEqualTo(400);
    assertThat(sled.rawStatus("POST", "/artifacts/../x/copy-from-depot?generation=0"))
        .isEqualTo(400);
    assertThat(
            sled.rawStatus(
                "POST", "/artifacts/" + UPPER_CASE_SHA + "/copy-from-depot?generation=0"))
        .isEqualTo(400);

    SledClient.Response response = sled.get("/artifact/sha256/" + UPPER_CASE_SHA);
    assertThat(response.errorCode()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() {
    SledClient.Response unknown = sled.get("/nothing-here");
    SledClient.Response wrongMethod = sled.delete("/artifacts-config");

    unknown.assertError(404, "NOT_FOUND");
    wrongMethod.assertError(405, "METHOD_NOT_ALLOWED");
  }

  @Test
  void aLostDiskLeavesOneCopy() {
    Artifact before = Artifact.random(1000);
    Artifact after = Artifact.random(1000);
    sled.putConfig(1, before.sha256(), after.sha256());
    sled.upload(1, before);

    TestSleds.deleteRecursively(dataDir.resolve("disk1"));
    sled.upload(1, after);

    assertThat(sled.inventory()).isEqualTo(Map.of(before.sha256(), 1, after.sha256(), 1));
    assertThat(sled.download(after.sha256())).isEqualTo(after.bytes());
  }

  @Test
  void withBothDisksLostAnUploadIsRefused() {
    Artifact artifact = Artifact.random(1000);
    sled.putConfig(1, artifact.sha256());
    TestSleds.deleteRecursively(dataDir.resolve("disk0"));
    TestSleds.deleteRecursively(dataDir.resolve("disk1"));

    SledClient.Response response =
        sled.putArtifact(1, artifact.sha256(), BodyPublishers.ofByteArray(artifact.bytes()));

    response.assertError(507, "NO_DISK_AVAILABLE");
    assertThat(Files.exists(dataDir.resolve("disk0"))).isFalse();
  }

  @Test
  void faultInjectionIsAbsentUnlessEnabled() {
    SledClient.Response post = sled.post("/faults", "{\"fail_percent\": 100}");
    SledClient.Response delete = sled.delete("/faults");

    post.assertError(404, "NOT_FOUND");
    assertThat(delete.status()).isEqualTo(404);
    assertThat(sled.get("/artifacts-config").status()).isEqualTo(404);
  }
}

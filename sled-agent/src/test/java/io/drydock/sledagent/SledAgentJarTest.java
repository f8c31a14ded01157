package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable jar killed mid-upload and restarted on the same data directory. */
class SledAgentJarTest {
  private static final int SIGKILL_EXIT = 128 + 9;
  private static final int SIGTERM_EXIT = 128 + 15;

  @TempDir Path dataDir;

  @Test
  void aSledKilledMidUploadKeepsItsConfigAndVerifiedArtifactsAndListsNoPartialFile() {
    Artifact small = Artifact.random(10_000);
    GeneratedContent big = new GeneratedContent(32L * 1024 * 1024, 6764);
    String bigSha = big.sha256();

    // A slow link keeps the big upload in flight long enough to kill the sled in the middle of it.
    try (SledProcess sled =
        SledProcess.start(
            "crash", dataDir, List.of(), "--bandwidth-bytes-per-second=" + (1024 * 1024))) {
      SledClient client = sled.client();
      client.putConfig(7, small.sha256(), bigSha);
      client.upload(7, small);
      var upload =
          client.sendAsync(
              "PUT",
              "/artifacts/" + bigSha + "?generation=7",
              BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(big::stream), big.size()));
      SledClient.await("the big upload is under way", () -> partialBytesOn(dataDir) > 0);

      assertThat(sled.kill()).isEqualTo(SIGKILL_EXIT);
      assertThatThrownBy(upload::join).isNotNull();
    }
    assertThat(TestSleds.filesOn(dataDir, "disk0"))
        .anyMatch(name -> name.startsWith(ArtifactStore.TEMP_PREFIX));

    try (SledProcess sled = SledProcess.start("crash", dataDir, List.of())) {
      SledClient client = sled.client();
      var config = client.get("/artifacts-config").json();
      assertThat(config.path("generation").asLong()).isEqualTo(7);
      assertThat(config.path("artifacts")).hasSize(2);
      assertThat(client.inventory()).isEqualTo(Map.of(small.sha256(), 2));
      assertThat(client.download(small.sha256())).isEqualTo(small.bytes());
      assertThat(client.get("/artifact/sha256/" + bigSha).status()).isEqualTo(404);
      assertThat(TestSleds.filesOn(dataDir, "disk0")).containsExactly(small.sha256());
      assertThat(TestSleds.filesOn(dataDir, "disk1")).containsExactly(small.sha256());
      assertThat(client.put("/artifacts-config", SledClient.configJson(6)).status()).isEqualTo(409);

      SledClient.Response retried =
          client.putArtifact(
              7,
              bigSha,
              BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(big::stream), big.size()));
      assertThat(retried.status()).isEqualTo(200);
      assertThat(client.inventory()).isEqualTo(Map.of(small.sha256(), 2, bigSha, 2));

      assertThat(sled.terminate()).isEqualTo(SIGTERM_EXIT);
      assertThat(sled.output()).contains("sled-agent crash stopped");
    }
  }

  private static long partialBytesOn(Path dataDir) {
    return TestSleds.filesOn(dataDir, "disk0").stream()
        .filter(name -> name.startsWith(ArtifactStore.TEMP_PREFIX))
        .mapToLong(name -> dataDir.resolve("disk0").resolve(name).toFile().length())
        .sum();
  }
}

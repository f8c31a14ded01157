package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sled promised before a restart still holds after it. */
class RestartTest {
  @TempDir Path dataDir;

  @Test
  void theConfigAndArtifactsSurviveARestartAndTheGenerationNeverGoesBack() {
    Artifact artifact = Artifact.random(10_000);
    try (SledAgent first = TestSleds.start("restart", dataDir)) {
      SledClient sled = TestSleds.client(first);
      sled.putConfig(5, artifact.sha256());
      sled.upload(5, artifact);
    }

    try (SledAgent second = TestSleds.start("restart", dataDir)) {
      SledClient sled = TestSleds.client(second);
      var config = sled.get("/artifacts-config").json();
      assertThat(config.path("generation").asLong()).isEqualTo(5);
      assertThat(config.path("artifacts").get(0).asText()).isEqualTo(artifact.sha256());
      assertThat(sled.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
      assertThat(sled.download(artifact.sha256())).isEqualTo(artifact.bytes());

      SledClient.Response older = sled.put("/artifacts-config", SledClient.configJson(4));
      older.assertError(409, "CONFIG_GENERATION");
    }
  }

  @Test
  void aSecondAgentCannotUseTheSameDataDirectory() {
    try (SledAgent first = TestSleds.start("first", dataDir)) {
      assertThatThrownBy(() -> TestSleds.start("second", dataDir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("data directory");
      // Still answering: 404, as omicron answers before any config.
      assertThat(TestSleds.client(first).get("/artifacts-config").status()).isEqualTo(404);
    }
  }
}

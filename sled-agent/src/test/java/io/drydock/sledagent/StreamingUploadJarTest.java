package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts many times the sled's heap go through it: uploads and downloads stream, nothing is held
 * whole.
 */
class StreamingUploadJarTest {
  private static final long SIZE = 300L * 1000 * 1000;

  @TempDir Path dataDir;

  @Test
  void a300MegabyteArtifactGoesInAndOutOfASledWith64MegabytesOfHeap() {
    GeneratedContent content = new GeneratedContent(SIZE, 7129);
    String sha256 = content.sha256();

    try (SledProcess sled =
        SledProcess.start("stream", dataDir, List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"))) {
      SledClient client = sled.client();
      client.putConfig(1, sha256);

      SledClient.Response upload =
          client.putArtifact(
              1,
              sha256,
              BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(content::stream), SIZE));

      assertThat(upload.status()).as(upload.body()).isEqualTo(200);
      assertThat(client.inventory()).isEqualTo(Map.of(sha256, 2));
      assertThat(dataDir.resolve("disk0").resolve(sha256).toFile().length()).isEqualTo(SIZE);
      assertThat(dataDir.resolve("disk1").resolve(sha256).toFile().length()).isEqualTo(SIZE);
      assertThat(
              GeneratedContent.sha256Of(
                  client.download(sha256, HttpResponse.BodyHandlers.ofInputStream())))
          .isEqualTo(sha256);
      assertThat(sled.process.isAlive()).isTrue();
      assertThat(sled.output()).doesNotContain("OutOfMemoryError");
    }
  }
}

package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the sled deletes, and only what its current config does not want. */
class ReconcilerTest {
  @TempDir Path dataDir;
  private SledAgent agent;
  private SledClient sled;

  @BeforeEach
  void start() {
    agent = TestSleds.start("reconciler", dataDir);
    sled = TestSleds.client(agent);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void aConfigChangeDeletesExactlyTheFilesOutsideTheNewConfig() throws IOException {
    Artifact kept = Artifact.random(1000);
    Artifact dropped = Artifact.random(1000);
    Artifact wantedLater = Artifact.random(1000);
    sled.putConfig(1, kept.sha256(), dropped.sha256());
    sled.upload(1, kept);
    sled.upload(1, dropped);
    Files.writeString(dataDir.resolve("disk0/notes.txt"), "not an artifact");
    Files.writeString(
        dataDir.resolve("disk1/" + ArtifactStore.TEMP_PREFIX + dropped.sha256() + "-stale"),
        "crash");

    sled.putConfig(2, kept.sha256(), wantedLater.sha256());
    // Queued behind the run the config change triggered.
    agent.reconcile();

    assertThat(TestSleds.filesOn(dataDir, "disk0")).containsExactly(kept.sha256());
    assertThat(TestSleds.filesOn(dataDir, "disk1")).containsExactly(kept.sha256());
    assertThat(sled.inventory()).isEqualTo(Map.of(kept.sha256(), 2));
    assertThat(sled.get("/artifact/sha256/" + dropped.sha256()).status()).isEqualTo(404);
  }

  @Test
  void anIdempotentConfigPutDeletesNothingWanted() {
    Artifact artifact = Artifact.random(1000);
    sled.putConfig(1, artifact.sha256());
    sled.upload(1, artifact);

    sled.putConfig(1, artifact.sha256());

    assertThat(agent.reconcile()).isZero();
    assertThat(sled.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
  }

  @Test
  void theTempsOfAnUploadInProgressSurviveAReconcile() throws Exception {
    Artifact artifact = Artifact.random(400_000);
    sled.putConfig(1, artifact.sha256());
    CountDownLatch release = new CountDownLatch(1);
    int half = artifact.bytes().length / 2;
    var upload =
        sled.sendAsync(
            "PUT",
            "/artifacts/" + artifact.sha256() + "?generation=1",
            BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(
                    () -> new PausingStream(artifact.bytes(), half, release)),
                artifact.bytes().length));
    SledClient.await("the upload is under way", () -> tempSize(dataDir.resolve("disk0")) > 0);

    agent.reconcile();

    assertThat(TestSleds.filesOn(dataDir, "disk0"))
        .singleElement()
        .asString()
        .startsWith(ArtifactStore.TEMP_PREFIX);
    release.countDown();
    assertThat(upload.join().status()).isEqualTo(200);
    assertThat(sled.inventory()).isEqualTo(Map.of(artifact.sha256(), 2));
  }

  private static long tempSize(Path disk) {
    try (var files = Files.list(disk)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith(ArtifactStore.TEMP_PREFIX))
          .mapToLong(file -> file.toFile().length())
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves its bytes up to {@code pauseAt}, then waits for the test to release the rest. */
  private static final class PausingStream extends InputStream {
    private final byte[] bytes;
    private final int pauseAt;
    private final CountDownLatch release;
    private int position;

    PausingStream(byte[] bytes, int pauseAt, CountDownLatch release) {
      this.bytes = bytes;
      this.pauseAt = pauseAt;
      this.release = release;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == pauseAt) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }
      if (position == bytes.length) {
        return -1;
      }
      int end = position < pauseAt ? pauseAt : bytes.length;
      int count = Math.min(length, end - position);
      System.arraycopy(bytes, position, buffer, offset, count);
      position += count;
      return count;
    }
  }
}

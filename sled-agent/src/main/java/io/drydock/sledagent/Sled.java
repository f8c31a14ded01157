package io.drydock.sledagent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a sled keeps: its artifacts config and the artifact files on its disks. Config changes,
 * renames of verified files into place and the reconciler's deletions all hold one lock, so a file
 * whose hash is in the current config is never deleted and a file outside it never appears after
 * the reconciler passed.
 */
final class Sled {
  private final ConfigStore configs;
  private final ArtifactStore artifacts;
  private final Object lock = new Object();

  private Sled(ConfigStore configs, ArtifactStore artifacts) {
    this.configs = configs;
    this.artifacts = artifacts;
  }

  static Sled open(Path dataDir) throws IOException {
    return new Sled(ConfigStore.load(dataDir), ArtifactStore.open(dataDir));
  }

  /** The config; 404 as omicron answers before the first one arrived. */
  ArtifactsConfig config() {
    return configs
        .current()
        .orElseThrow(() -> new ApiException(ErrorCode.CONFIG_NOT_FOUND, "Not Found"));
  }

  /** Makes {@code proposed} the config; false when it already was (an idempotent repeat). */
  boolean replaceConfig(ArtifactsConfig proposed) throws IOException {
    synchronized (lock) {
      return configs.replace(proposed);
    }
  }

  /**
   * The config's generation and, for each artifact of the config present here, on how many disks.
   */
  Inventory inventory() {
    ArtifactsConfig config = configOrNoConfig();
    SortedMap<String, Integer> copies = new TreeMap<>();
    for (String sha256 : config.artifacts()) {
      int count = artifacts.copies(sha256);
      if (count > 0) {
        copies.put(sha256, count);
      }
    }
    return new Inventory(config.generation(), copies);
  }

  Optional<Path> artifactFile(String sha256) {
    return artifacts.find(sha256);
  }

  /**
   * Refuses a write the caller numbered with another generation than the current one, or of an
   * unwanted hash.
   */
  void requireAccepts(long generation, String sha256) {
    ArtifactsConfig config = configOrNoConfig();
    if (generation != config.generation()) {
      throw new ApiException(
          ErrorCode.CONFIG_GENERATION,
          "generation "
              + generation
              + " does not match the current generation "
              + config.generation());
    }
    if (!config.wants(sha256)) {
      throw new ApiException(
          ErrorCode.NOT_IN_CONFIG,
          "artifact " + sha256 + " is not in the config of generation " + generation);
    }
  }

  /**
   * Stores the artifact streamed by {@code body} on every disk, keeping it only if the bytes hash
   * to {@code sha256} and the hash is still wanted once they all arrived; the config may have moved
   * on meanwhile, and the reconciler may already have passed.
   */
  Stored receive(String sha256, InputStream body, long maxBytes) throws IOException {
    ArtifactStore.Received received = artifacts.receive(sha256, body, maxBytes);
    if (!received.digest.equals(sha256)) {
      received.discard();
      throw new ApiException(
          ErrorCode.DIGEST_MISMATCH,
          "the bytes hash to " + received.digest + ", not to " + sha256 + ": not kept");
    }
    synchronized (lock) {
      ArtifactsConfig config = configOrNoConfig();
      if (!config.wants(sha256)) {
        received.discard();
        throw new ApiException(
            ErrorCode.CONFIG_GENERATION,
            "artifact "
                + sha256
                + " left the config (now generation "
                + config.generation()
                + ") while it arrived: not kept");
      }
      return new Stored(received.datasets(), received.commit());
    }
  }

  /**
   * Deletes every file on the disks that the current config does not want, and temps no receive is
   * writing (left by a crash or a lost race); returns how many it deleted. Only the sled deletes
   * its artifacts, and only here.
   */
  int reconcile() throws IOException {
    int deleted = 0;
    for (Path file : artifacts.files()) {
      synchronized (lock) {
        String name = file.getFileName().toString();
        boolean wanted =
            configs.current().map(config -> config.wants(name)).orElse(false)
                || artifacts.isBeingWritten(file);
        if (!wanted && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** The config; 400 as omicron answers a list or a write before the first one arrived. */
  private ArtifactsConfig configOrNoConfig() {
    return configs
        .current()
        .orElseThrow(
            () -> new ApiException(ErrorCode.NO_CONFIG, "No artifact configuration present"));
  }

  /**
   * The answer of {@code PUT /artifacts/{sha256}}: the disks written to, and how many now hold the
   * artifact.
   */
  record Stored(int datasets, int successfulWrites) {}

  /** The answer of {@code GET /artifacts}. */
  record Inventory(long generation, SortedMap<String, Integer> list) {}
}

package io.drydock.sledagent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sled's artifacts config, kept in {@code DIR/config.json} so that the generation never goes
 * back, not even across a restart: a control plane with an older view must keep getting 409 after
 * the sled reboots. Until the first config arrives there is none, which omicron's sled agent
 * answers differently from an empty config. Callers serialize {@link #replace}.
 */
final class ConfigStore {
  private static final String FILE_NAME = "config.json";

  private final Path file;

  /** Null until the first config arrives. */
  private volatile ArtifactsConfig current;

  private ConfigStore(Path file, ArtifactsConfig current) {
    this.file = file;
    this.current = current;
  }

  static ConfigStore load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    // Leftovers of a write a crash interrupted; config.json itself is always whole.
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dataDir, FILE_NAME + ".tmp-*")) {
      for (Path temp : temps) {
        Files.deleteIfExists(temp);
      }
    }
    if (!Files.exists(file)) {
      return new ConfigStore(file, null);
    }
    try {
      return new ConfigStore(file, Json.MAPPER.readValue(file.toFile(), ArtifactsConfig.class));
    } catch (IOException e) {
      throw new IOException("unreadable artifacts config " + file + ": " + e.getMessage(), e);
    }
  }

  Optional<ArtifactsConfig> current() {
    return Optional.ofNullable(current);
  }

  /**
   * Makes {@code proposed} the current config once it is on disk; false when it already was. An
   * older generation, or the current one with other artifacts, comes from a control plane whose
   * view is stale and is refused.
   */
  boolean replace(ArtifactsConfig proposed) throws IOException {
    ArtifactsConfig present = current;
    if (present != null) {
      if (proposed.generation() < present.generation()) {
        throw new ApiException(
            ErrorCode.CONFIG_GENERATION,
            "generation "
                + proposed.generation()
                + " is older than the current generation "
                + present.generation());
      }
      if (proposed.generation() == present.generation()) {
        if (proposed.equals(present)) {
          return false;
        }
        throw new ApiException(
            ErrorCode.CONFIG_GENERATION,
            "generation "
                + proposed.generation()
                + " is already the current generation, with other artifacts");
      }
    }
    Durable.writeAtomically(file, Json.MAPPER.writeValueAsBytes(proposed));
    current = proposed;
    return true;
  }
}

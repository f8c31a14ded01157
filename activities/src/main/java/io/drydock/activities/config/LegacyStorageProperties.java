package io.drydock.activities.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the legacy registry's storage is, {@code drydock.legacy-storage-root}
 * (docs/configuration.md), checked when the process starts: a root that is unset or holds no {@code
 * docker/registry/v2} stops it with a message naming the environment variable. Bound from {@code
 * drydock}, so that the property keeps its name ({@code --drydock.legacy-storage-root} on a command
 * line, as the tests pass it).
 *
 * @param legacyStorageRoot the directory that contains {@code docker/registry/v2} ({@code
 *     DRYDOCK_LEGACY_STORAGE_ROOT})
 */
@ConfigurationProperties("drydock")
public record LegacyStorageProperties(String legacyStorageRoot) {
  public LegacyStorageProperties {
    if (legacyStorageRoot == null || legacyStorageRoot.isBlank()) {
      throw new IllegalStateException(
          "DRYDOCK_LEGACY_STORAGE_ROOT is not set: point it at the directory that contains docker/registry/v2");
    }
    if (!Files.isDirectory(Path.of(legacyStorageRoot).resolve("docker/registry/v2"))) {
      throw new IllegalStateException(
          "DRYDOCK_LEGACY_STORAGE_ROOT="
              + legacyStorageRoot
              + " has no docker/registry/v2 directory; it must name the"
              + " directory that contains docker/");
    }
  }

  public Path root() {
    return Path.of(legacyStorageRoot);
  }
}

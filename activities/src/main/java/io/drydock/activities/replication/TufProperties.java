package io.drydock.activities.replication;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The TUF trust of artifact repository uploads, {@code drydock.tuf.*} (docs/api/replication.md).
 *
 * @param trustedRoot the trusted {@code root.json} files, comma-separated paths; blank for none,
 *     and then uploads are refused ({@code TUF_ROOT_NOT_CONFIGURED}) unless {@code allowUnsigned}
 *     ({@code DRYDOCK_TUF_TRUSTED_ROOT})
 * @param allowUnsigned without a trusted root, take uploads unverified instead of refusing them
 *     ({@code DRYDOCK_TUF_ALLOW_UNSIGNED})
 */
@ConfigurationProperties("drydock.tuf")
record TufProperties(String trustedRoot, boolean allowUnsigned) {
  /** The paths of {@code trustedRoot}, blank entries left out, so an empty variable names none. */
  List<Path> trustedRootFiles() {
    if (trustedRoot == null) {
      return List.of();
    }
    return Arrays.stream(trustedRoot.split(","))
        .map(String::trim)
        .filter(path -> !path.isEmpty())
        .map(Path::of)
        .toList();
  }
}

package io.drydock.workflows.migration;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validates repository paths as the OCI distribution spec names them: lower-case components
 * separated by {@code /}, at most 255 characters in all. Anything else (upper case, {@code ..},
 * empty components, absolute paths) is refused before it can reach the database or the legacy
 * storage.
 */
public final class RepositoryPaths {
  public static final int MAX_LENGTH = 255;
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  private RepositoryPaths() {}

  /** Why {@code path} is not a valid repository path, or empty when it is valid. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("repository path is empty");
    }
    if (path.length() > MAX_LENGTH) {
      return Optional.of("repository path is longer than " + MAX_LENGTH + " characters");
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        return Optional.of(
            "invalid repository path component '"
                + component
                + "': components must match "
                + COMPONENT.pattern());
      }
    }
    return Optional.empty();
  }

  /** The repository's name: its last path component, as the import API reports it. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}

package io.drydock.activities.legacy;

import io.drydock.workflows.migration.RepositoryPaths;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the CNCF distribution filesystem driver keeps each thing under {@code docker/registry/v2}.
 * Every path built from a caller's repository path or tag goes through here, so this is the one
 * place that keeps them inside the root. Public as far as the demo module needs it to write trees
 * that this module reads.
 */
public final class LegacyLayout {
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private final Path repositories;
  private final Path blobs;

  public LegacyLayout(Path root) {
    Path registry =
        root.toAbsolutePath().normalize().resolve("docker").resolve("registry").resolve("v2");
    this.repositories = registry.resolve("repositories");
    this.blobs = registry.resolve("blobs");
  }

  static boolean isTag(String tag) {
    return TAG.matcher(tag).matches();
  }

  static boolean isRepositoryComponent(String component) {
    return RepositoryPaths.problem(component).isEmpty();
  }

  Path registryDir() {
    return repositories.getParent();
  }

  Path repositoriesDir() {
    return repositories;
  }

  public Path repository(String repositoryPath) {
    requireRepositoryPath(repositoryPath);
    return requireInside(
        repositories.resolve(repositoryPath).normalize(), repositories, repositoryPath);
  }

  Path manifestsDir(String repositoryPath) {
    return repository(repositoryPath).resolve("_manifests");
  }

  Path tagsDir(String repositoryPath) {
    return manifestsDir(repositoryPath).resolve("tags");
  }

  public Path tagCurrentLink(String repositoryPath, String tag) {
    return tagDir(repositoryPath, tag).resolve("current").resolve("link");
  }

  public Path tagIndexLink(String repositoryPath, String tag, Digest digest) {
    return tagDir(repositoryPath, tag)
        .resolve("index")
        .resolve(digest.algorithm())
        .resolve(digest.hex())
        .resolve("link");
  }

  Path revisionsDir(String repositoryPath) {
    return manifestsDir(repositoryPath).resolve("revisions").resolve(Digest.SHA256);
  }

  public Path revisionLink(String repositoryPath, Digest digest) {
    return revisionsDir(repositoryPath).resolve(digest.hex()).resolve("link");
  }

  public Path layerLink(String repositoryPath, Digest digest) {
    return repository(repositoryPath)
        .resolve("_layers")
        .resolve(digest.algorithm())
        .resolve(digest.hex())
        .resolve("link");
  }

  /**
   * A digest's hex is validated by {@link Digest}, so it cannot lead anywhere but under {@code
   * blobs/}.
   */
  public Path blobData(Digest digest) {
    return blobs
        .resolve(digest.algorithm())
        .resolve(digest.hex().substring(0, 2))
        .resolve(digest.hex())
        .resolve("data");
  }

  private Path tagDir(String repositoryPath, String tag) {
    Path tags = tagsDir(repositoryPath);
    if (tag == null || !isTag(tag)) {
      throw new IllegalArgumentException(
          "invalid tag '" + tag + "': tags must match " + TAG.pattern());
    }
    return requireInside(tags.resolve(tag).normalize(), tags, tag);
  }

  private static void requireRepositoryPath(String repositoryPath) {
    if (repositoryPath == null) {
      throw new IllegalArgumentException("repository path is null");
    }
    // Named explicitly because these are the ways out of the root; the grammar below would also
    // refuse them.
    if (repositoryPath.startsWith("/")) {
      throw new IllegalArgumentException(
          "repository path '" + repositoryPath + "' must be relative");
    }
    if (repositoryPath.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(
          "repository path '" + repositoryPath + "' must not contain a backslash");
    }
    Optional<String> problem = RepositoryPaths.problem(repositoryPath);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(
          "repository path '" + repositoryPath + "' is invalid: " + problem.get());
    }
  }

  /**
   * The last line of defence: whatever the grammar let through, a path must stay strictly below its
   * parent.
   */
  private static Path requireInside(Path resolved, Path parent, String input) {
    if (!resolved.startsWith(parent) || resolved.equals(parent)) {
      throw new IllegalArgumentException("'" + input + "' would leave " + parent);
    }
    return resolved;
  }
}

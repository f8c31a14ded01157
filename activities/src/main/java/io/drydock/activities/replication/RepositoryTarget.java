package io.drydock.activities.replication;

/**
 * One target of an uploaded repository: its TUF name, the hash and length of its bytes, and its
 * kind and version as the repository's tufaceous manifest gives them (null when it does not
 * describe the target).
 */
public record RepositoryTarget(
    String name, String sha256, long length, String kind, String version) {
  RepositoryTarget(String name, String sha256, long length) {
    this(name, sha256, length, null, null);
  }

  RepositoryTarget described(String kind, String version) {
    return new RepositoryTarget(name, sha256, length, kind, version);
  }
}

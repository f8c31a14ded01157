package io.drydock.activities.replication;

import java.util.List;

/**
 * What a verified upload inserts: the repository's identity from its targets.json, and its targets
 * by name.
 *
 * @param accepted the versions signature verification accepted, or null for an upload taken
 *     unverified
 */
record RepositoryManifest(
    String id,
    String name,
    String systemVersion,
    long targetsVersion,
    List<RepositoryTarget> targets,
    AcceptedVersions accepted) {

  /**
   * The versions of a verified upload's metadata, under the trusted root its chain started from.
   */
  record AcceptedVersions(
      String trustedRootId, long rootVersion, long snapshotVersion, long targetsVersion) {}

  RepositoryManifest accepted(AcceptedVersions versions) {
    return new RepositoryManifest(id, name, systemVersion, targetsVersion, targets, versions);
  }

  /**
   * The system version, and each target's kind and version, as the repository's tufaceous manifest
   * gives them.
   */
  RepositoryManifest describedBy(TufaceousArtifacts.Manifest manifest) {
    List<RepositoryTarget> described =
        targets.stream()
            .map(
                target -> {
                  TufaceousArtifacts.Description description =
                      manifest.byTarget().get(target.name());
                  return description == null
                      ? target
                      : target.described(description.kind(), description.version());
                })
            .toList();
    return new RepositoryManifest(
        id, name, manifest.systemVersion(), targetsVersion, described, accepted);
  }
}

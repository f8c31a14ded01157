package io.drydock.activities.replication;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * TUF rollback protection: per trusted root, the highest root, snapshot and targets versions
 * accepted so far, which a later upload may not go below (the specification's client keeps these as
 * its trusted metadata; Drydock keeps them in the database, as uploads arrive at any API instance).
 */
final class TufAcceptedVersions {
  private final JdbcClient jdbc;

  TufAcceptedVersions(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a verified upload's versions as the highest accepted under its trusted root, in the
   * upload's transaction.
   *
   * @throws InvalidRepositoryException {@code ROLLBACK} when one is lower than a version accepted
   *     before
   */
  void accept(RepositoryManifest.AcceptedVersions versions) {
    jdbc.sql(
            """
            SELECT root_version, snapshot_version, targets_version FROM tuf_accepted_versions
             WHERE trusted_root_id = :root FOR UPDATE""")
        .param("root", versions.trustedRootId())
        .query(
            (rs, row) -> {
              checkNotRolledBack("root", versions.rootVersion(), rs.getLong("root_version"));
              checkNotRolledBack(
                  "snapshot", versions.snapshotVersion(), rs.getLong("snapshot_version"));
              checkNotRolledBack(
                  "targets", versions.targetsVersion(), rs.getLong("targets_version"));
              return row;
            })
        .list();
    jdbc.sql(
            """
            INSERT INTO tuf_accepted_versions (trusted_root_id, root_version, snapshot_version, targets_version)
            VALUES (:root, :rootVersion, :snapshotVersion, :targetsVersion)
            ON CONFLICT (trusted_root_id) DO UPDATE
               SET root_version = GREATEST(tuf_accepted_versions.root_version, EXCLUDED.root_version),
                   snapshot_version = GREATEST(tuf_accepted_versions.snapshot_version, EXCLUDED.snapshot_version),
                   targets_version = GREATEST(tuf_accepted_versions.targets_version, EXCLUDED.targets_version),
                   updated_at = now()""")
        .param("root", versions.trustedRootId())
        .param("rootVersion", versions.rootVersion())
        .param("snapshotVersion", versions.snapshotVersion())
        .param("targetsVersion", versions.targetsVersion())
        .update();
  }

  private static void checkNotRolledBack(String role, long offered, long accepted) {
    if (offered < accepted) {
      throw new InvalidRepositoryException(
          InvalidRepositoryException.Reason.ROLLBACK,
          "the "
              + role
              + " metadata is version "
              + offered
              + ", lower than version "
              + accepted
              + " already accepted under the same trusted root",
          role);
    }
  }
}

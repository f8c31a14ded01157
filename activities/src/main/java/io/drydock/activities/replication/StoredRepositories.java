package io.drydock.activities.replication;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads {@link StoredRepository}s with their targets from one query that joins the two tables, so
 * that a repository and its targets are always read together, in {@link ArtifactStore}'s order:
 * oldest upload first, targets by name.
 */
final class StoredRepositories {
  private final JdbcClient jdbc;

  StoredRepositories(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * @param where a condition on {@code r} (the repository), or empty for all
   * @param id the value of {@code :id} in {@code where}, or null when it names none
   */
  List<StoredRepository> select(String where, String id) {
    Map<String, StoredRepository> repositories = new LinkedHashMap<>();
    Map<String, List<RepositoryTarget>> targets = new LinkedHashMap<>();
    JdbcClient.StatementSpec statement =
        jdbc.sql(
            """
            SELECT r.id, r.name, r.system_version, r.targets_version, r.uploaded_at, r.local_freed_at,
                   t.target_name, t.sha256, t.length, t.kind, t.version
              FROM artifact_repositories r
              LEFT JOIN artifact_repository_targets t ON t.repository_id = r.id
            """
                + where
                + "\n ORDER BY r.uploaded_at, r.id, t.target_name COLLATE \"C\"");
    if (id != null) {
      statement = statement.param("id", id);
    }
    statement.query(
        (ResultSet rs) -> {
          String repositoryId = rs.getString("id");
          if (!repositories.containsKey(repositoryId)) {
            repositories.put(
                repositoryId,
                new StoredRepository(
                    repositoryId,
                    rs.getString("name"),
                    rs.getString("system_version"),
                    rs.getLong("targets_version"),
                    instant(rs, "uploaded_at"),
                    instant(rs, "local_freed_at"),
                    List.of()));
            targets.put(repositoryId, new ArrayList<>());
          }
          if (rs.getString("target_name") != null) {
            targets
                .get(repositoryId)
                .add(
                    new RepositoryTarget(
                        rs.getString("target_name"),
                        rs.getString("sha256"),
                        rs.getLong("length"),
                        rs.getString("kind"),
                        rs.getString("version")));
          }
        });
    return repositories.values().stream()
        .map(
            r ->
                new StoredRepository(
                    r.id(),
                    r.name(),
                    r.systemVersion(),
                    r.targetsVersion(),
                    r.uploadedAt(),
                    r.localFreedAt(),
                    List.copyOf(targets.get(r.id()))))
        .toList();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp timestamp = rs.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}

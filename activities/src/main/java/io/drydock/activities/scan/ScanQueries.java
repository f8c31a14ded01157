package io.drydock.activities.scan;

import io.drydock.activities.scan.indexer.Distribution;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the API reads of the scan tables, and the deletes Clair's API asks for, in PostgreSQL, the
 * one place every API replica reads: no replica keeps a status of its own. Statements run under the
 * statement timeout of {@link ScanDatabase}.
 */
public final class ScanQueries {
  /**
   * Package names a query of {@link #affectedManifests} asks for: an index lookup each, in one
   * statement.
   */
  private static final int NAMES_PER_QUERY = 500;

  private final ScanDatabase database;
  private final JdbcClient jdbc;

  public ScanQueries(DataSource dataSource, Duration statementTimeout) {
    this.database = new ScanDatabase(dataSource, statementTimeout);
    this.jdbc = database.jdbc;
  }

  /** A stored report as served, with the status of the manifest's latest run. */
  public record StoredReport(
      String digest, String json, String state, String indexState, Instant writtenAt) {}

  /**
   * A manifest's scan status; {@code status} is {@code unscanned} when no run has ever taken it.
   */
  public record ScanStatus(
      String repository, String digest, String status, String error, Instant updatedAt) {}

  public Optional<StoredReport> report(String digest) {
    return database.inTransaction(
        () ->
            jdbc.sql(
                    "SELECT manifest_digest, report, state, index_state, written_at FROM index_reports"
                        + " WHERE manifest_digest = :digest")
                .param("digest", digest)
                .query(
                    (rs, n) ->
                        new StoredReport(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant()))
                .optional());
  }

  /**
   * Deletes the reports and the scan statuses of {@code digests}; returns the digests that had a
   * report. A run still indexing one of them no longer owns its status, so it writes nothing
   * afterwards.
   */
  public List<String> deleteReports(List<String> digests) {
    if (digests.isEmpty()) {
      return List.of();
    }
    return database.inTransaction(
        () -> {
          jdbc.sql("DELETE FROM scan_status WHERE manifest_digest IN (:digests)")
              .param("digests", digests)
              .update();
          return jdbc
              .sql(
                  "DELETE FROM index_reports WHERE manifest_digest IN (:digests) RETURNING manifest_digest")
              .param("digests", digests)
              .query(String.class)
              .list()
              .stream()
              .sorted()
              .toList();
        });
  }

  /**
   * Clair's affected_manifest: for each manifest with a stored finished report that one of {@code
   * vulnerabilities} affects ({@link VulnerablePackage#affects}), the ids of those that do, in the
   * order given. The packages are read by name from the indexed package rows, {@value
   * #NAMES_PER_QUERY} distinct names a query, each query in its own transaction under the statement
   * timeout.
   */
  public Map<String, List<String>> affectedManifests(List<VulnerablePackage> vulnerabilities) {
    Map<String, List<VulnerablePackage>> byName = new LinkedHashMap<>();
    vulnerabilities.forEach(
        v -> byName.computeIfAbsent(v.packageName(), name -> new ArrayList<>()).add(v));
    Map<String, Set<String>> affected = new TreeMap<>();
    List<String> names = List.copyOf(byName.keySet());
    for (int from = 0; from < names.size(); from += NAMES_PER_QUERY) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + NAMES_PER_QUERY));
      database.inTransaction(
          () -> {
            jdbc.sql(
                    """
                    SELECT manifest_digest, kind, name, version, package_db, did, dist_name, dist_version,
                           dist_version_code_name, dist_version_id, dist_arch, dist_cpe, dist_pretty_name
                      FROM index_report_packages
                     WHERE name IN (:names)
                    """)
                .param("names", batch)
                .query(
                    (ResultSet rs) -> {
                      VulnerablePackage.StoredPackage stored = storedPackage(rs);
                      for (VulnerablePackage v : byName.get(stored.name())) {
                        if (v.affects(stored)) {
                          affected
                              .computeIfAbsent(stored.manifestDigest(), d -> new LinkedHashSet<>())
                              .add(v.id());
                        }
                      }
                    });
            return null;
          });
    }
    // In the order the vulnerabilities were given, whichever package row matched first.
    List<String> order = vulnerabilities.stream().map(VulnerablePackage::id).distinct().toList();
    Map<String, List<String>> answer = new TreeMap<>();
    affected.forEach(
        (digest, ids) -> answer.put(digest, order.stream().filter(ids::contains).toList()));
    return answer;
  }

  private static VulnerablePackage.StoredPackage storedPackage(ResultSet rs) throws SQLException {
    Distribution distribution =
        new Distribution(
            "",
            rs.getString("did"),
            rs.getString("dist_name"),
            rs.getString("dist_version"),
            rs.getString("dist_version_code_name"),
            rs.getString("dist_version_id"),
            rs.getString("dist_arch"),
            rs.getString("dist_cpe"),
            rs.getString("dist_pretty_name"));
    return new VulnerablePackage.StoredPackage(
        rs.getString("manifest_digest"),
        rs.getString("kind"),
        rs.getString("name"),
        rs.getString("version"),
        rs.getString("package_db"),
        distribution);
  }

  /**
   * The manifest's layer digests, bottom first; empty if the registry holds no such image manifest.
   */
  public Optional<List<String>> manifestLayers(String digest) {
    return database.imageManifest(digest).map(ScanDatabase.ImageManifest::layers);
  }

  /**
   * Scan status of the image manifests of {@code repository} (every repository when null) after the
   * position ({@code afterRepository}, {@code afterDigest}) when given, in (repository, digest)
   * order, read in one snapshot.
   */
  public List<ScanStatus> statuses(
      String repository, String afterRepository, String afterDigest, int limit) {
    return database.inTransaction(
        () ->
            jdbc.sql(
                    """
                    SELECT r.path, m.digest, COALESCE(s.status, 'unscanned'), s.error, s.updated_at
                      FROM manifests m
                      JOIN repositories r ON r.id = m.repository_id
                      LEFT JOIN scan_status s ON s.manifest_digest = m.digest
                     WHERE m.config_digest IS NOT NULL
                       AND (CAST(:repository AS TEXT) IS NULL OR r.path = :repository)
                       AND (CAST(:afterPath AS TEXT) IS NULL OR (r.path, m.digest) > (:afterPath, :afterDigest))
                     ORDER BY r.path, m.digest
                     LIMIT :limit
                    """)
                .param("repository", repository)
                .param("afterPath", afterRepository)
                .param("afterDigest", afterDigest)
                .param("limit", limit)
                .query(
                    (rs, n) ->
                        new ScanStatus(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant()))
                .list());
  }

  public boolean repositoryExists(String repository) {
    return database.inTransaction(
        () ->
            jdbc.sql("SELECT count(*) FROM repositories WHERE path = :path")
                    .param("path", repository)
                    .query(Long.class)
                    .single()
                > 0);
  }
}

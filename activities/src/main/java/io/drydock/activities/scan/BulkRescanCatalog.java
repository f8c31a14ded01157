package io.drydock.activities.scan;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What bulk rescans read and record: the image manifests to rescan, page by page, and the index
 * state the last scanner-upgrade rescan was started for.
 */
final class BulkRescanCatalog {
  private final ScanDatabase database;
  private final JdbcClient jdbc;

  BulkRescanCatalog(ScanDatabase database) {
    this.database = database;
    this.jdbc = database.jdbc;
  }

  /**
   * Distinct image manifest digests (of one repository when not null) after {@code after}, in
   * digest order.
   */
  List<String> manifestDigests(String repository, String after, int limit) {
    return database.inTransaction(
        () ->
            jdbc.sql(
                    """
                    SELECT DISTINCT m.digest
                      FROM manifests m
                      JOIN repositories r ON r.id = m.repository_id
                     WHERE m.config_digest IS NOT NULL
                       AND (CAST(:repository AS TEXT) IS NULL OR r.path = :repository)
                       AND (CAST(:after AS TEXT) IS NULL OR m.digest > :after)
                     ORDER BY m.digest
                     LIMIT :limit
                    """)
                .param("repository", repository)
                .param("after", after)
                .param("limit", limit)
                .query(String.class)
                .list());
  }

  long countManifests(String repository) {
    return database.inTransaction(
        () ->
            jdbc.sql(
                    """
                    SELECT count(DISTINCT m.digest)
                      FROM manifests m
                      JOIN repositories r ON r.id = m.repository_id
                     WHERE m.config_digest IS NOT NULL
                       AND (CAST(:repository AS TEXT) IS NULL OR r.path = :repository)
                    """)
                .param("repository", repository)
                .query(Long.class)
                .single());
  }

  /** The index state the last scanner-upgrade bulk rescan was started for. */
  Optional<String> bulkRescannedIndexState() {
    return database.inTransaction(
        () -> jdbc.sql("SELECT index_state FROM scan_index_state").query(String.class).optional());
  }

  void recordBulkRescannedIndexState(String indexState) {
    database.inTransaction(
        () ->
            jdbc.sql(
                    "INSERT INTO scan_index_state (index_state) VALUES (:state) ON CONFLICT (singleton)"
                        + " DO UPDATE SET index_state = excluded.index_state, updated_at = now()")
                .param("state", indexState)
                .update());
  }
}

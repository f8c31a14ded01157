package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.RepositoryPaths;
import io.drydock.workflows.migration.StatusTransition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry database's repositories and their imported metadata. Every status change is a single compare-and-set
 * statement on (path, expected status, owner token); every batch of imported rows is written in a transaction that
 * first checks, under a share lock, that the writing run still owns the repository.
 */
public final class RegistryStore {
  private static final String REPOSITORY_COLUMNS =
      "id, path, name, migration_status, migration_error, owner_token, updated_at";

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate transactions;

  public RegistryStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.batches = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  public Optional<RepositoryState> find(String path) {
    return jdbc.sql("SELECT " + REPOSITORY_COLUMNS + " FROM repositories WHERE path = :path")
        .param("path", path)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  /**
   * Moves the repository to {@code pre_import_in_progress} owned by {@code ownerToken}, creating its row if needed, in
   * one statement that only succeeds from a status a pre-import may start from. Empty when another status won.
   */
  public Optional<RepositoryState> claimPreImport(String path, String ownerToken) {
    return jdbc.sql(
            """
            INSERT INTO repositories (path, name, migration_status, owner_token)
            VALUES (:path, :name, :next, :token)
            ON CONFLICT (path) DO UPDATE
               SET migration_status = EXCLUDED.migration_status, migration_error = NULL,
                   owner_token = EXCLUDED.owner_token, updated_at = now()
             WHERE repositories.migration_status IN (:allowed)
            RETURNING\s"""
                + REPOSITORY_COLUMNS)
        .param("path", path)
        .param("name", RepositoryPaths.name(path))
        .param("next", MigrationStatus.PRE_IMPORT_IN_PROGRESS.wireValue())
        .param("token", ownerToken)
        .param("allowed", wireValues(MigrationStatus.preImportAllowedFrom()))
        .query(RegistryStore::repositoryState)
        .optional();
  }

  /**
   * Undoes a claim whose workflow could not be started: puts back the status the repository had before, or removes
   * the row the claim created. Does nothing if the claim has since been superseded.
   */
  public void releaseClaim(String path, String ownerToken, Optional<RepositoryState> before) {
    if (before.isEmpty()) {
      jdbc.sql("DELETE FROM repositories WHERE path = :path AND owner_token = :token")
          .param("path", path)
          .param("token", ownerToken)
          .update();
      return;
    }
    RepositoryState previous = before.get();
    jdbc.sql(
            """
            UPDATE repositories
               SET migration_status = :status, migration_error = :error, owner_token = :previousToken,
                   updated_at = now()
             WHERE path = :path AND owner_token = :token""")
        .param("status", previous.status().wireValue())
        .param("error", previous.error())
        .param("previousToken", previous.ownerToken())
        .param("path", path)
        .param("token", ownerToken)
        .update();
  }

  /** Applies the transition if the repository is still in the expected status and owned by the same run. */
  public boolean transition(StatusTransition transition) {
    return jdbc.sql(
                """
                UPDATE repositories
                   SET migration_status = :next, migration_error = :error, updated_at = now()
                 WHERE path = :path AND migration_status = :expected AND owner_token = :token""")
            .param("next", transition.next().wireValue())
            .param("error", transition.error())
            .param("path", transition.repositoryPath())
            .param("expected", transition.expected().wireValue())
            .param("token", transition.ownerToken())
            .update()
        == 1;
  }

  /**
   * Writes a batch of manifests with their blobs and references, idempotently, in one transaction that holds a share
   * lock on the repository row only while the run still owns it.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId = lockOwnedRepository(path, ownerToken);
          insertBlobs(repositoryId, batch);
          insertManifests(repositoryId, batch);
          Map<Digest, Long> ids = manifestIds(repositoryId, batch);
          insertLayerReferences(batch, ids);
          insertChildReferences(batch, ids);
        });
  }

  /** Rows recorded for the repository so far. */
  ImportCounts counts(String path) {
    return jdbc.sql(
            """
            SELECT (SELECT count(*) FROM manifests m WHERE m.repository_id = r.id) AS manifests,
                   (SELECT count(*) FROM repository_blobs b WHERE b.repository_id = r.id) AS blobs,
                   (SELECT count(*) FROM tags t WHERE t.repository_id = r.id) AS tags
              FROM repositories r WHERE r.path = :path""")
        .param("path", path)
        .query((rs, n) -> new ImportCounts(rs.getLong("manifests"), rs.getLong("blobs"), rs.getLong("tags")))
        .optional()
        .orElse(ImportCounts.NONE);
  }

  private long lockOwnedRepository(String path, String ownerToken) {
    return jdbc.sql(
            """
            SELECT id FROM repositories
             WHERE path = :path AND owner_token = :token
               AND migration_status IN ('pre_import_in_progress', 'import_in_progress')
               FOR SHARE""")
        .param("path", path)
        .param("token", ownerToken)
        .query(Long.class)
        .optional()
        .orElseThrow(() -> new FencedOutException(path));
  }

  private void insertBlobs(long repositoryId, List<ManifestRecord> batch) {
    // Sorted by digest so that concurrent imports sharing blobs lock them in the same order and cannot deadlock.
    Map<Digest, ParsedManifest.BlobReference> blobs = new TreeMap<>(Comparator.comparing(Digest::toString));
    for (ManifestRecord manifest : batch) {
      if (manifest.parsed().config() != null) {
        blobs.putIfAbsent(manifest.parsed().config().digest(), manifest.parsed().config());
      }
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        blobs.putIfAbsent(layer.digest(), layer);
      }
    }
    List<Object[]> blobRows = new ArrayList<>();
    List<Object[]> linkRows = new ArrayList<>();
    for (ParsedManifest.BlobReference blob : blobs.values()) {
      blobRows.add(new Object[] {blob.digest().toString(), blob.mediaType(), blob.size()});
      linkRows.add(new Object[] {repositoryId, blob.digest().toString()});
    }
    batches.batchUpdate(
        "INSERT INTO blobs (digest, media_type, size) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING", blobRows);
    batches.batchUpdate(
        "INSERT INTO repository_blobs (repository_id, blob_digest) VALUES (?, ?) ON CONFLICT DO NOTHING", linkRows);
  }

  private void insertManifests(long repositoryId, List<ManifestRecord> batch) {
    List<Object[]> rows = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      ParsedManifest parsed = manifest.parsed();
      rows.add(
          new Object[] {
            repositoryId,
            manifest.digest().toString(),
            parsed.mediaType(),
            parsed.schemaVersion(),
            manifest.payload().length,
            manifest.payload(),
            parsed.config() == null ? null : parsed.config().digest().toString(),
            parsed.config() == null ? null : parsed.config().mediaType()
          });
    }
    batches.batchUpdate(
        """
        INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest,
                               config_media_type)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (repository_id, digest) DO NOTHING""",
        rows);
  }

  private Map<Digest, Long> manifestIds(long repositoryId, List<ManifestRecord> batch) {
    List<String> digests = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      digests.add(manifest.digest().toString());
      manifest.parsed().children().forEach(child -> digests.add(child.toString()));
    }
    Map<Digest, Long> ids = new HashMap<>();
    jdbc.sql("SELECT digest, id FROM manifests WHERE repository_id = :repository AND digest IN (:digests)")
        .param("repository", repositoryId)
        .param("digests", digests)
        .query(rs -> {
          ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
        });
    return ids;
  }

  private void insertLayerReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    Map<String, Object[]> rows = new LinkedHashMap<>();
    for (ManifestRecord manifest : batch) {
      long manifestId = ids.get(manifest.digest());
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        rows.putIfAbsent(manifestId + " " + layer.digest(), new Object[] {manifestId, layer.digest().toString()});
      }
    }
    batches.batchUpdate(
        "INSERT INTO manifest_blobs (manifest_id, blob_digest) VALUES (?, ?) ON CONFLICT DO NOTHING",
        new ArrayList<>(rows.values()));
  }

  private void insertChildReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    List<Object[]> rows = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      for (Digest child : manifest.parsed().children()) {
        Long childId = ids.get(child);
        if (childId == null) {
          throw new IllegalStateException(
              "child manifest " + child + " of " + manifest.digest() + " was not written before its index");
        }
        rows.add(new Object[] {ids.get(manifest.digest()), childId});
      }
    }
    batches.batchUpdate(
        "INSERT INTO manifest_references (parent_id, child_id) VALUES (?, ?) ON CONFLICT DO NOTHING", rows);
  }

  private static List<String> wireValues(Set<MigrationStatus> statuses) {
    return statuses.stream().map(MigrationStatus::wireValue).sorted().collect(Collectors.toList());
  }

  private static RepositoryState repositoryState(ResultSet rs, int row) throws SQLException {
    String status = rs.getString("migration_status");
    Timestamp updatedAt = rs.getTimestamp("updated_at");
    return new RepositoryState(
        rs.getLong("id"),
        rs.getString("path"),
        rs.getString("name"),
        MigrationStatus.fromWireValue(status)
            .orElseThrow(() -> new IllegalStateException("unknown migration status in database: " + status)),
        rs.getString("migration_error"),
        rs.getString("owner_token"),
        updatedAt.toInstant());
  }
}

package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The metadata an import run writes, in the worker: every batch of manifests, blobs and references
 * is written idempotently in a transaction that first checks, under a share lock, that the writing
 * run still owns the repository, so a fenced-out run writes nothing; the final import commits its
 * tags and its status in one such transaction.
 */
public final class ImportedMetadataStore {
  /** Digests per IN list: keeps statements well under PostgreSQL's bind parameter limit. */
  private static final int LOOKUP_CHUNK = 1000;

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate transactions;
  private final ManifestRows rows;

  public ImportedMetadataStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.batches = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.rows = new ManifestRows(batches);
  }

  /**
   * Writes a batch of manifests with their blobs and references, idempotently, in one transaction
   * that holds a share lock on the repository row only while the run still owns it.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch) {
    writeManifests(path, ownerToken, batch, null);
  }

  /**
   * As {@link #writeManifests(String, String, List)}, also recording the run's progress when it is
   * given.
   */
  void writeManifests(
      String path, String ownerToken, List<ManifestRecord> batch, ImportProgress progress) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId = lockOwnedRepository(path, ownerToken);
          ManifestRows.Added added = rows.write(repositoryId, batch);
          // A retried attempt resumes from its last heartbeat, which may be older than its last
          // committed batch,
          // and so re-commits batches below the progress already shown; GREATEST keeps the progress
          // from going
          // backwards (a new run starts from NULL, which GREATEST ignores, and no progress given
          // leaves it as it is).
          jdbc.sql(
                  """
                  UPDATE repositories
                     SET manifest_count = manifest_count + :manifests, blob_count = blob_count + :blobs,
                         progress_done = COALESCE(GREATEST(progress_done, :done), progress_done),
                         progress_total = COALESCE(:total, progress_total)
                   WHERE id = :id""")
              .param("manifests", added.manifests())
              .param("blobs", added.blobs())
              .param("done", progress == null ? null : progress.tagsDone(), Types.BIGINT)
              .param("total", progress == null ? null : progress.tagsTotal(), Types.BIGINT)
              .param("id", repositoryId)
              .update();
        });
  }

  /**
   * Commits a final import in one transaction: the manifests pushed since the pre-import, the
   * repository's tags as the legacy storage has them now, and the status {@code import_complete}.
   * Runs only while the run still owns the repository in {@code import_in_progress}, holding the
   * row so a cancel either comes first (and nothing is committed) or finds the import complete.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void commitFinalImport(
      String path, String ownerToken, List<ManifestRecord> newManifests, Map<String, Digest> tags) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId =
              jdbc.sql(
                      """
                      SELECT id FROM repositories
                       WHERE path = :path AND owner_token = :token AND migration_status = 'import_in_progress'
                         FOR UPDATE""")
                  .param("path", path)
                  .param("token", ownerToken)
                  .query(Long.class)
                  .optional()
                  .orElseThrow(() -> new FencedOutException(path));
          ManifestRows.Added added = rows.write(repositoryId, newManifests);
          replaceTags(repositoryId, tags);
          jdbc.sql(
                  """
                  UPDATE repositories SET migration_status = 'import_complete', migration_error = NULL,
                         manifest_count = manifest_count + :manifests, blob_count = blob_count + :blobs,
                         tag_count = :tags, updated_at = now()
                   WHERE id = :id""")
              .param("manifests", added.manifests())
              .param("blobs", added.blobs())
              .param("tags", tags.size())
              .param("id", repositoryId)
              .update();
        });
  }

  /** Which of {@code digests} the repository already has as manifests. */
  Set<Digest> existingManifests(String path, Collection<Digest> digests) {
    Set<Digest> existing = new HashSet<>();
    List<String> values = digests.stream().map(Digest::toString).toList();
    for (int from = 0; from < values.size(); from += LOOKUP_CHUNK) {
      jdbc.sql(
              """
              SELECT m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id
               WHERE r.path = :path AND m.digest IN (:digests)""")
          .param("path", path)
          .param("digests", values.subList(from, Math.min(values.size(), from + LOOKUP_CHUNK)))
          .query(
              rs -> {
                existing.add(Digest.parse(rs.getString(1)));
              });
    }
    return existing;
  }

  private void replaceTags(long repositoryId, Map<String, Digest> tags) {
    Map<Digest, Long> ids = new HashMap<>();
    List<String> digests = tags.values().stream().distinct().map(Digest::toString).toList();
    for (int from = 0; from < digests.size(); from += LOOKUP_CHUNK) {
      jdbc.sql(
              "SELECT digest, id FROM manifests WHERE repository_id = :repository AND digest IN (:digests)")
          .param("repository", repositoryId)
          .param("digests", digests.subList(from, Math.min(digests.size(), from + LOOKUP_CHUNK)))
          .query(
              rs -> {
                ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
              });
    }
    jdbc.sql("DELETE FROM tags WHERE repository_id = :repository")
        .param("repository", repositoryId)
        .update();
    List<Object[]> rows = new ArrayList<>();
    tags.forEach(
        (tag, digest) -> {
          Long manifestId = ids.get(digest);
          if (manifestId == null) {
            throw new IllegalStateException(
                "tag " + tag + " points at " + digest + ", which was not imported");
          }
          rows.add(new Object[] {repositoryId, tag, manifestId});
        });
    batches.batchUpdate(
        "INSERT INTO tags (repository_id, name, manifest_id) VALUES (?, ?, ?)", rows);
  }

  /** Rows recorded for the repository so far, as the transactions that wrote them counted them. */
  ImportCounts counts(String path) {
    return jdbc.sql(
            """
            SELECT manifest_count AS manifests, blob_count AS blobs, tag_count AS tags
              FROM repositories WHERE path = :path""")
        .param("path", path)
        .query(
            (rs, n) ->
                new ImportCounts(rs.getLong("manifests"), rs.getLong("blobs"), rs.getLong("tags")))
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
}

package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The metadata an import run writes, in the worker: every batch of manifests, blobs and references is written
 * idempotently in a transaction that first checks, under a share lock, that the writing run still owns the repository,
 * so a fenced-out run writes nothing; the final import commits its tags and its status in one such transaction.
 */
public final class ImportedMetadataStore {
  /** Digests per IN list: keeps statements well under PostgreSQL's bind parameter limit. */
  private static final int LOOKUP_CHUNK = 1000;

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate transactions;

  public ImportedMetadataStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.batches = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /**
   * Writes a batch of manifests with their blobs and references, idempotently, in one transaction that holds a share
   * lock on the repository row only while the run still owns it.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch) {
    writeManifests(path, ownerToken, batch, null);
  }

  /** As {@link #writeManifests(String, String, List)}, also recording the run's progress when it is given. */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch, ImportProgress progress) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId = lockOwnedRepository(path, ownerToken);
          if (!batch.isEmpty()) {
            insertBlobs(repositoryId, batch);
            insertManifests(repositoryId, batch);
            Map<Digest, Long> ids = manifestIds(repositoryId, batch);
            insertLayerReferences(batch, ids);
            insertChildReferences(batch, ids);
          }
          if (progress != null) {
            // A retried attempt resumes from its last heartbeat, which may be older than its last committed batch,
            // and so re-commits batches below the progress already shown; GREATEST keeps the progress from going
            // backwards (a new run starts from NULL, which GREATEST ignores).
            jdbc.sql(
                    """
                    UPDATE repositories SET progress_done = GREATEST(progress_done, :done), progress_total = :total
                     WHERE id = :id""")
                .param("done", progress.tagsDone())
                .param("total", progress.tagsTotal())
                .param("id", repositoryId)
                .update();
          }
        });
  }

  /**
   * Commits a final import in one transaction: the manifests pushed since the pre-import, the repository's tags as
   * the legacy storage has them now, and the status {@code import_complete}. Runs only while the run still owns the
   * repository in {@code import_in_progress}, holding the row so a cancel either comes first (and nothing is
   * committed) or finds the import complete.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void commitFinalImport(String path, String ownerToken, List<ManifestRecord> newManifests, Map<String, Digest> tags) {
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
          if (!newManifests.isEmpty()) {
            insertBlobs(repositoryId, newManifests);
            insertManifests(repositoryId, newManifests);
            Map<Digest, Long> ids = manifestIds(repositoryId, newManifests);
            insertLayerReferences(newManifests, ids);
            insertChildReferences(newManifests, ids);
          }
          replaceTags(repositoryId, tags);
          jdbc.sql(
                  """
                  UPDATE repositories SET migration_status = 'import_complete', migration_error = NULL,
                         updated_at = now()
                   WHERE id = :id""")
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
          .query(rs -> {
            existing.add(Digest.parse(rs.getString(1)));
          });
    }
    return existing;
  }

  private void replaceTags(long repositoryId, Map<String, Digest> tags) {
    Map<Digest, Long> ids = new HashMap<>();
    List<String> digests = tags.values().stream().distinct().map(Digest::toString).toList();
    for (int from = 0; from < digests.size(); from += LOOKUP_CHUNK) {
      jdbc.sql("SELECT digest, id FROM manifests WHERE repository_id = :repository AND digest IN (:digests)")
          .param("repository", repositoryId)
          .param("digests", digests.subList(from, Math.min(digests.size(), from + LOOKUP_CHUNK)))
          .query(rs -> {
            ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
          });
    }
    jdbc.sql("DELETE FROM tags WHERE repository_id = :repository").param("repository", repositoryId).update();
    List<Object[]> rows = new ArrayList<>();
    tags.forEach(
        (tag, digest) -> {
          Long manifestId = ids.get(digest);
          if (manifestId == null) {
            throw new IllegalStateException("tag " + tag + " points at " + digest + ", which was not imported");
          }
          rows.add(new Object[] {repositoryId, tag, manifestId});
        });
    batches.batchUpdate("INSERT INTO tags (repository_id, name, manifest_id) VALUES (?, ?, ?)", rows);
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

  /*
   * Each table of a batch is written by one statement whose parameters are arrays, one element per row, unnested on
   * the server: a batch costs a round trip and a plan per table instead of one execution per row.
   */

  private void insertBlobs(long repositoryId, List<ManifestRecord> batch) {
    Map<Digest, ParsedManifest.BlobReference> blobs = new HashMap<>();
    for (ManifestRecord manifest : batch) {
      if (manifest.parsed().config() != null) {
        blobs.putIfAbsent(manifest.parsed().config().digest(), manifest.parsed().config());
      }
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        blobs.putIfAbsent(layer.digest(), layer);
      }
    }
    int count = blobs.size();
    String[] digests = new String[count];
    String[] mediaTypes = new String[count];
    Long[] sizes = new Long[count];
    int row = 0;
    for (ParsedManifest.BlobReference blob : blobs.values()) {
      digests[row] = blob.digest().toString();
      mediaTypes[row] = blob.mediaType();
      sizes[row] = blob.size();
      row++;
    }
    // Inserted in digest order so that concurrent imports sharing blobs lock them in the same order and cannot
    // deadlock; "C" compares the ASCII digests as String.compareTo does.
    execute(
        """
        INSERT INTO blobs (digest, media_type, size)
        SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) AS b (digest, media_type, size)
         ORDER BY digest COLLATE "C"
        ON CONFLICT (digest) DO NOTHING""",
        new SqlArray("text", digests), new SqlArray("text", mediaTypes), new SqlArray("bigint", sizes));
    execute(
        """
        INSERT INTO repository_blobs (repository_id, blob_digest)
        SELECT ?, digest FROM unnest(?::text[]) AS b (digest) ORDER BY digest COLLATE "C"
        ON CONFLICT DO NOTHING""",
        repositoryId, new SqlArray("text", digests));
  }

  private void insertManifests(long repositoryId, List<ManifestRecord> batch) {
    int count = batch.size();
    String[] digests = new String[count];
    String[] mediaTypes = new String[count];
    Integer[] schemaVersions = new Integer[count];
    Long[] sizes = new Long[count];
    byte[][] payloads = new byte[count][];
    String[] configDigests = new String[count];
    String[] configMediaTypes = new String[count];
    for (int row = 0; row < count; row++) {
      ManifestRecord manifest = batch.get(row);
      ParsedManifest parsed = manifest.parsed();
      digests[row] = manifest.digest().toString();
      mediaTypes[row] = parsed.mediaType();
      schemaVersions[row] = parsed.schemaVersion();
      sizes[row] = (long) manifest.payload().length;
      payloads[row] = manifest.payload();
      configDigests[row] = parsed.config() == null ? null : parsed.config().digest().toString();
      configMediaTypes[row] = parsed.config() == null ? null : parsed.config().mediaType();
    }
    execute(
        """
        INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest,
                               config_media_type)
        SELECT ?, * FROM unnest(?::text[], ?::text[], ?::integer[], ?::bigint[], ?::bytea[], ?::text[], ?::text[])
        ON CONFLICT (repository_id, digest) DO NOTHING""",
        repositoryId,
        new SqlArray("text", digests),
        new SqlArray("text", mediaTypes),
        new SqlArray("integer", schemaVersions),
        new SqlArray("bigint", sizes),
        new SqlArray("bytea", payloads),
        new SqlArray("text", configDigests),
        new SqlArray("text", configMediaTypes));
  }

  private Map<Digest, Long> manifestIds(long repositoryId, List<ManifestRecord> batch) {
    Set<String> digests = new HashSet<>();
    for (ManifestRecord manifest : batch) {
      digests.add(manifest.digest().toString());
      manifest.parsed().children().forEach(child -> digests.add(child.toString()));
    }
    Map<Digest, Long> ids = new HashMap<>();
    batches.query(
        connection -> {
          PreparedStatement statement =
              connection.prepareStatement("SELECT digest, id FROM manifests WHERE repository_id = ? AND digest = ANY (?)");
          statement.setLong(1, repositoryId);
          statement.setArray(2, connection.createArrayOf("text", digests.toArray(String[]::new)));
          return statement;
        },
        rs -> {
          ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
        });
    return ids;
  }

  private void insertLayerReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    List<Long> manifestIds = new ArrayList<>();
    List<String> blobDigests = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      long manifestId = ids.get(manifest.digest());
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        manifestIds.add(manifestId);
        blobDigests.add(layer.digest().toString());
      }
    }
    // DO NOTHING also skips a layer a manifest lists twice within the statement.
    execute(
        """
        INSERT INTO manifest_blobs (manifest_id, blob_digest)
        SELECT * FROM unnest(?::bigint[], ?::text[]) ON CONFLICT DO NOTHING""",
        new SqlArray("bigint", manifestIds.toArray(Long[]::new)),
        new SqlArray("text", blobDigests.toArray(String[]::new)));
  }

  private void insertChildReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    List<Long> parents = new ArrayList<>();
    List<Long> children = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      for (Digest child : manifest.parsed().children()) {
        Long childId = ids.get(child);
        if (childId == null) {
          throw new IllegalStateException(
              "child manifest " + child + " of " + manifest.digest() + " was not written before its index");
        }
        parents.add(ids.get(manifest.digest()));
        children.add(childId);
      }
    }
    if (!parents.isEmpty()) {
      execute(
          """
          INSERT INTO manifest_references (parent_id, child_id)
          SELECT * FROM unnest(?::bigint[], ?::bigint[]) ON CONFLICT DO NOTHING""",
          new SqlArray("bigint", parents.toArray(Long[]::new)),
          new SqlArray("bigint", children.toArray(Long[]::new)));
    }
  }

  /** An array parameter: its SQL element type and its elements, whose Java type PgJDBC encodes (byte[][] as bytea). */
  private record SqlArray(String elementType, Object[] elements) {}

  /** Runs {@code sql} in the current transaction, {@link SqlArray} parameters bound as SQL arrays. */
  private void execute(String sql, Object... parameters) {
    batches.update(
        connection -> {
          PreparedStatement statement = connection.prepareStatement(sql);
          for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof SqlArray array) {
              statement.setArray(i + 1, connection.createArrayOf(array.elementType(), array.elements()));
            } else {
              statement.setObject(i + 1, parameters[i]);
            }
          }
          return statement;
        });
  }
}

package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rows of a batch of manifests (blobs, repository_blobs, manifests, manifest_blobs,
 * manifest_references), written idempotently in the caller's transaction. Each table is written by
 * one statement whose parameters are arrays, one element per row, unnested on the server: a batch
 * costs a round trip and a plan per table instead of one execution per row.
 */
final class ManifestRows {
  private final JdbcTemplate batches;

  ManifestRows(JdbcTemplate batches) {
    this.batches = batches;
  }

  /** The rows a write added to the repository: a batch written again adds none. */
  record Added(long manifests, long blobs) {}

  /**
   * Writes the batch's blobs, manifests and references; children come before the indexes that list
   * them. Returns the manifests and repository blobs it inserted, which the caller adds to the
   * repository's counts.
   */
  Added write(long repositoryId, List<ManifestRecord> batch) {
    if (batch.isEmpty()) {
      return new Added(0, 0);
    }
    long blobs = insertBlobs(repositoryId, batch);
    long manifests = insertManifests(repositoryId, batch);
    Map<Digest, Long> ids = manifestIds(repositoryId, batch);
    insertLayerReferences(batch, ids);
    insertChildReferences(batch, ids);
    return new Added(manifests, blobs);
  }

  /** Returns the repository's blob links it inserted. */
  private long insertBlobs(long repositoryId, List<ManifestRecord> batch) {
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
    // Inserted in digest order so that concurrent imports sharing blobs lock them in the same order
    // and cannot
    // deadlock; "C" compares the ASCII digests as String.compareTo does.
    execute(
        """
        INSERT INTO blobs (digest, media_type, size)
        SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) AS b (digest, media_type, size)
         ORDER BY digest COLLATE "C"
        ON CONFLICT (digest) DO NOTHING""",
        new SqlArray("text", digests),
        new SqlArray("text", mediaTypes),
        new SqlArray("bigint", sizes));
    return execute(
        """
        INSERT INTO repository_blobs (repository_id, blob_digest)
        SELECT ?, digest FROM unnest(?::text[]) AS b (digest) ORDER BY digest COLLATE "C"
        ON CONFLICT DO NOTHING""",
        repositoryId,
        new SqlArray("text", digests));
  }

  /** Returns the manifests it inserted. */
  private long insertManifests(long repositoryId, List<ManifestRecord> batch) {
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
    return execute(
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
              connection.prepareStatement(
                  "SELECT digest, id FROM manifests WHERE repository_id = ? AND digest = ANY (?)");
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
              "child manifest "
                  + child
                  + " of "
                  + manifest.digest()
                  + " was not written before its index");
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

  /**
   * An array parameter: its SQL element type and its elements, whose Java type PgJDBC encodes
   * (byte[][] as bytea).
   */
  private record SqlArray(String elementType, Object[] elements) {}

  /**
   * Runs {@code sql} in the current transaction, {@link SqlArray} parameters bound as SQL arrays;
   * the rows it changed.
   */
  private int execute(String sql, Object... parameters) {
    return batches.update(
        connection -> {
          PreparedStatement statement = connection.prepareStatement(sql);
          for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof SqlArray array) {
              statement.setArray(
                  i + 1, connection.createArrayOf(array.elementType(), array.elements()));
            } else {
              statement.setObject(i + 1, parameters[i]);
            }
          }
          return statement;
        });
  }
}

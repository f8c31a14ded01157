package io.drydock.benchmarks;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.ParsedManifest;
import io.drydock.workflows.migration.RepositoryPaths;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The floors a pre-import's throughput is measured against: the same tags read from the same legacy
 * storage, the same manifests parsed by the same parser, and the same rows (blobs,
 * repository_blobs, manifests, manifest_blobs) written with the same ON CONFLICT rules in
 * transactions of the same size, but straight from one thread over one JDBC connection: no
 * Temporal, no chunks, no heartbeats, no fencing lock, no revision or blob presence checks. {@link
 * Writes#STATEMENTS} writes each row with its own statement execution (JDBC batches), {@link
 * Writes#COPY} streams each table's rows with PostgreSQL's COPY into a temporary staging table and
 * merges it with one INSERT ... ON CONFLICT.
 *
 * <p>It parses with {@link ParsedManifest} itself, so the parsing cost is identical; everything
 * else it writes on its own, from the tables' schema.
 */
public final class DirectImportBaseline {
  /** How a batch's rows reach the tables. */
  public enum Writes {
    STATEMENTS,
    COPY
  }

  /** A manifest as read from the legacy storage, ready to be written. */
  record Manifest(Digest digest, byte[] payload, ParsedManifest parsed) {}

  private final LegacyStorage legacy;
  private final DataSource database;
  private final int batchSize;
  private final Writes writes;

  public DirectImportBaseline(
      LegacyStorage legacy, DataSource database, int batchSize, Writes writes) {
    this.legacy = legacy;
    this.database = database;
    this.batchSize = batchSize;
    this.writes = writes;
  }

  /**
   * Imports the manifests of every tag of the repository and returns how many manifests the
   * database now holds.
   */
  public long importRepository(String path) throws SQLException {
    try (Connection connection = database.getConnection()) {
      long repositoryId = insertRepository(connection, path);
      CopyStaging staging = writes == Writes.COPY ? new CopyStaging(connection) : null;
      connection.setAutoCommit(false);
      List<Manifest> batch = new ArrayList<>(batchSize);
      for (String tag : legacy.tags(path)) {
        Digest digest =
            legacy
                .tagTarget(path, tag)
                .orElseThrow(() -> new IllegalStateException("tag " + tag + " has no link"));
        byte[] payload = legacy.readSmallBlob(digest, ParsedManifest.MAX_BYTES);
        ParsedManifest parsed = ParsedManifest.parse(digest, payload);
        if (parsed.isIndex()) {
          // The generated trees hold image manifests only; an index would need its children written
          // first.
          throw new IllegalStateException("manifest " + digest + " of " + path + " is an index");
        }
        batch.add(new Manifest(digest, payload, parsed));
        if (batch.size() == batchSize) {
          writeBatch(connection, staging, repositoryId, batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        writeBatch(connection, staging, repositoryId, batch);
      }
      completeRepository(connection, repositoryId);
      return countManifests(connection, repositoryId);
    }
  }

  private static long insertRepository(Connection connection, String path) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO repositories (path, name, migration_status) VALUES (?, ?, 'pre_import_in_progress')"
                + " RETURNING id")) {
      insert.setString(1, path);
      insert.setString(2, RepositoryPaths.name(path));
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** With COPY staging when given, else with one statement execution per row; then commits. */
  private static void writeBatch(
      Connection connection, CopyStaging staging, long repositoryId, List<Manifest> batch)
      throws SQLException {
    if (staging != null) {
      staging.write(repositoryId, batch, distinctBlobs(batch));
    } else {
      insertBlobs(connection, repositoryId, distinctBlobs(batch));
      insertManifests(connection, repositoryId, batch);
      insertLayerReferences(connection, batch, manifestIds(connection, repositoryId, batch));
    }
    connection.commit();
  }

  /**
   * Deduplicated and sorted by digest as ImportedMetadataStore does, so every path sends the same
   * rows in the same order.
   */
  private static Collection<ParsedManifest.BlobReference> distinctBlobs(List<Manifest> batch) {
    Map<Digest, ParsedManifest.BlobReference> blobs =
        new TreeMap<>(Comparator.comparing(Digest::toString));
    for (Manifest manifest : batch) {
      blobs.putIfAbsent(manifest.parsed().config().digest(), manifest.parsed().config());
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        blobs.putIfAbsent(layer.digest(), layer);
      }
    }
    return blobs.values();
  }

  private static void insertBlobs(
      Connection connection, long repositoryId, Collection<ParsedManifest.BlobReference> blobs)
      throws SQLException {
    try (PreparedStatement blobRows =
            connection.prepareStatement(
                "INSERT INTO blobs (digest, media_type, size) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING");
        PreparedStatement linkRows =
            connection.prepareStatement(
                "INSERT INTO repository_blobs (repository_id, blob_digest) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (ParsedManifest.BlobReference blob : blobs) {
        blobRows.setString(1, blob.digest().toString());
        blobRows.setString(2, blob.mediaType());
        blobRows.setLong(3, blob.size());
        blobRows.addBatch();
        linkRows.setLong(1, repositoryId);
        linkRows.setString(2, blob.digest().toString());
        linkRows.addBatch();
      }
      blobRows.executeBatch();
      linkRows.executeBatch();
    }
  }

  private static void insertManifests(
      Connection connection, long repositoryId, List<Manifest> batch) throws SQLException {
    try (PreparedStatement rows =
        connection.prepareStatement(
            """
            INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest,
                                   config_media_type)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (repository_id, digest) DO NOTHING""")) {
      for (Manifest manifest : batch) {
        ParsedManifest parsed = manifest.parsed();
        rows.setLong(1, repositoryId);
        rows.setString(2, manifest.digest().toString());
        rows.setString(3, parsed.mediaType());
        rows.setInt(4, parsed.schemaVersion());
        rows.setLong(5, manifest.payload().length);
        rows.setBytes(6, manifest.payload());
        rows.setString(7, parsed.config().digest().toString());
        rows.setString(8, parsed.config().mediaType());
        rows.addBatch();
      }
      rows.executeBatch();
    }
  }

  private static Map<Digest, Long> manifestIds(
      Connection connection, long repositoryId, List<Manifest> batch) throws SQLException {
    Map<Digest, Long> ids = new HashMap<>();
    Array digests =
        connection.createArrayOf(
            "text", batch.stream().map(manifest -> manifest.digest().toString()).toArray());
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT digest, id FROM manifests WHERE repository_id = ? AND digest = ANY (?)")) {
      select.setLong(1, repositoryId);
      select.setArray(2, digests);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.put(Digest.parse(rows.getString(1)), rows.getLong(2));
        }
      }
    }
    return ids;
  }

  private static void insertLayerReferences(
      Connection connection, List<Manifest> batch, Map<Digest, Long> ids) throws SQLException {
    try (PreparedStatement rows =
        connection.prepareStatement(
            "INSERT INTO manifest_blobs (manifest_id, blob_digest) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (Manifest manifest : batch) {
        long manifestId = ids.get(manifest.digest());
        for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
          rows.setLong(1, manifestId);
          rows.setString(2, layer.digest().toString());
          rows.addBatch();
        }
      }
      rows.executeBatch();
    }
  }

  private static void completeRepository(Connection connection, long repositoryId)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE repositories SET migration_status = 'pre_import_complete', updated_at = now() WHERE id = ?")) {
      update.setLong(1, repositoryId);
      update.executeUpdate();
    }
    connection.commit();
  }

  private static long countManifests(Connection connection, long repositoryId) throws SQLException {
    try (PreparedStatement count =
        connection.prepareStatement("SELECT count(*) FROM manifests WHERE repository_id = ?")) {
      count.setLong(1, repositoryId);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}

package io.drydock.benchmarks;

import io.drydock.activities.migration.ParsedManifest;
import io.drydock.benchmarks.DirectImportBaseline.Manifest;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The COPY baseline's writes: each batch's rows are streamed with COPY (text format) into temporary
 * staging tables of the connection's session, then merged into the real tables with one INSERT ...
 * SELECT ... ON CONFLICT per table. The staging tables empty themselves at each commit.
 */
final class CopyStaging {
  private static final HexFormat HEX = HexFormat.of();

  private final Connection connection;
  private final CopyManager copy;

  CopyStaging(Connection connection) throws SQLException {
    this.connection = connection;
    this.copy = connection.unwrap(PGConnection.class).getCopyAPI();
    try (Statement create = connection.createStatement()) {
      create.execute(
          "CREATE TEMP TABLE staged_blobs (digest text, media_type text, size bigint) ON COMMIT DELETE ROWS");
      create.execute(
          """
          CREATE TEMP TABLE staged_manifests (digest text, media_type text, schema_version integer, size bigint,
                                              payload bytea, config_digest text, config_media_type text)
          ON COMMIT DELETE ROWS""");
      create.execute(
          "CREATE TEMP TABLE staged_layers (manifest_digest text, blob_digest text) ON COMMIT DELETE ROWS");
    }
  }

  void write(
      long repositoryId, List<Manifest> batch, Collection<ParsedManifest.BlobReference> blobs)
      throws SQLException {
    StringBuilder blobRows = new StringBuilder();
    for (ParsedManifest.BlobReference blob : blobs) {
      row(blobRows, blob.digest().toString(), blob.mediaType(), Long.toString(blob.size()));
    }
    StringBuilder manifestRows = new StringBuilder();
    StringBuilder layerRows = new StringBuilder();
    for (Manifest manifest : batch) {
      ParsedManifest parsed = manifest.parsed();
      row(
          manifestRows,
          manifest.digest().toString(),
          parsed.mediaType(),
          Integer.toString(parsed.schemaVersion()),
          Integer.toString(manifest.payload().length),
          "\\\\x" + HEX.formatHex(manifest.payload()),
          parsed.config().digest().toString(),
          parsed.config().mediaType());
      for (ParsedManifest.BlobReference layer : parsed.layers()) {
        row(layerRows, manifest.digest().toString(), layer.digest().toString());
      }
    }
    copyIn("COPY staged_blobs FROM STDIN", blobRows);
    copyIn("COPY staged_manifests FROM STDIN", manifestRows);
    copyIn("COPY staged_layers FROM STDIN", layerRows);
    merge(
        "INSERT INTO blobs SELECT digest, media_type, size FROM staged_blobs ON CONFLICT (digest) DO NOTHING");
    merge(
        "INSERT INTO repository_blobs (repository_id, blob_digest) SELECT ?, digest FROM staged_blobs"
            + " ON CONFLICT DO NOTHING",
        repositoryId);
    merge(
        """
        INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest,
                               config_media_type)
        SELECT ?, * FROM staged_manifests ON CONFLICT (repository_id, digest) DO NOTHING""",
        repositoryId);
    merge(
        """
        INSERT INTO manifest_blobs (manifest_id, blob_digest)
        SELECT m.id, l.blob_digest FROM staged_layers l JOIN manifests m ON m.digest = l.manifest_digest
         WHERE m.repository_id = ?
        ON CONFLICT DO NOTHING""",
        repositoryId);
  }

  private void copyIn(String sql, StringBuilder rows) throws SQLException {
    try {
      copy.copyIn(sql, new StringReader(rows.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("COPY of the baseline's rows failed", e);
    }
  }

  private void merge(String sql, long... parameters) throws SQLException {
    try (PreparedStatement merge = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        merge.setLong(i + 1, parameters[i]);
      }
      merge.executeUpdate();
    }
  }

  /**
   * One line of COPY's text format; the generated values hold no tab, newline or backslash but the
   * bytea's prefix.
   */
  private static void row(StringBuilder rows, String... values) {
    rows.append(String.join("\t", values)).append('\n');
  }
}

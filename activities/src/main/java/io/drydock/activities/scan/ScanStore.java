package io.drydock.activities.scan;

import io.drydock.activities.scan.indexer.Coalescer;
import io.drydock.activities.scan.indexer.IndexReport;
import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.activities.scan.indexer.ScannedLayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The worker's writes of index reports, layer results and scan statuses (the API's reads are {@link
 * ScanQueries}). Status writes are compare-and-sets on the run's token; a report is written only in
 * the transaction that sets the owning run's final status. Statements run under the statement
 * timeout of {@link ScanDatabase}.
 */
public final class ScanStore {
  /**
   * Clair's writes: a finished report replaces anything; an error report never replaces a finished
   * one.
   */
  private static final String UPSERT_REPORT =
      """
      INSERT INTO index_reports (manifest_digest, index_state, state, success, err, report, written_by_run)
      VALUES (:digest, :indexState, :state, :success, :err, :report, :run)
      ON CONFLICT (manifest_digest) DO UPDATE
         SET index_state = excluded.index_state, state = excluded.state, success = excluded.success,
             err = excluded.err, report = excluded.report, written_by_run = excluded.written_by_run, written_at = now()
      """;

  private final ScanDatabase database;
  private final JdbcClient jdbc;
  private final BulkRescanCatalog bulkRescans;

  public ScanStore(DataSource dataSource, Duration statementTimeout) {
    this.database = new ScanDatabase(dataSource, statementTimeout);
    this.jdbc = database.jdbc;
    this.bulkRescans = new BulkRescanCatalog(database);
  }

  /** What bulk rescans read and record, under the same statement timeout. */
  BulkRescanCatalog bulkRescans() {
    return bulkRescans;
  }

  /**
   * An image manifest the registry holds, with its layer digests bottom first; empty if it holds
   * none.
   */
  Optional<ScanDatabase.ImageManifest> imageManifest(String digest) {
    return database.imageManifest(digest);
  }

  /** What is stored for a manifest, as the check needs it. */
  record StoredReportState(String state, boolean success, String indexState) {}

  /**
   * Makes {@code runToken} the owner of the manifest's status ({@code scheduled}) unless it already
   * is (a retried activity must not move its own run backwards), and loads the stored report's
   * state, in one transaction.
   */
  Optional<StoredReportState> begin(String digest, String runToken) {
    return database.inTransaction(
        () -> {
          jdbc.sql(
                  """
                  INSERT INTO scan_status (manifest_digest, status, run_token) VALUES (:digest, 'scheduled', :run)
                  ON CONFLICT (manifest_digest) DO UPDATE
                     SET status = 'scheduled', run_token = :run, error = NULL, updated_at = now()
                   WHERE scan_status.run_token <> :run
                  """)
              .param("digest", digest)
              .param("run", runToken)
              .update();
          return jdbc.sql(
                  "SELECT state, success, index_state FROM index_reports WHERE manifest_digest = :digest")
              .param("digest", digest)
              .query(
                  (rs, n) ->
                      new StoredReportState(rs.getString(1), rs.getBoolean(2), rs.getString(3)))
              .optional();
        });
  }

  /** {@code scheduled -> scanning} for the owning run; a no-op if the run is already past it. */
  void markScanning(String digest, String runToken) {
    database.inTransaction(
        () -> {
          ownedStatus(digest, runToken);
          jdbc.sql(
                  "UPDATE scan_status SET status = 'scanning', updated_at = now()"
                      + " WHERE manifest_digest = :digest AND run_token = :run AND status = 'scheduled'")
              .param("digest", digest)
              .param("run", runToken)
              .update();
          return null;
        });
  }

  /** {@code -> finished} for the owning run, leaving the stored report as it is. */
  void finishReused(String digest, String runToken) {
    database.inTransaction(
        () -> {
          if (!isFinal(ownedStatus(digest, runToken))) {
            setStatus(digest, runToken, "finished", null);
          }
          return null;
        });
  }

  List<String> unscannedLayers(List<String> layers, String indexState) {
    List<String> scanned =
        database.inTransaction(
            () ->
                jdbc.sql(
                        "SELECT layer_digest FROM layer_scans WHERE index_state = :state AND layer_digest IN (:layers)")
                    .param("state", indexState)
                    .param("layers", layers)
                    .query(String.class)
                    .list());
    return layers.stream().distinct().filter(layer -> !scanned.contains(layer)).toList();
  }

  void storeLayerScan(String layerDigest, String indexState, LayerScan scan) {
    String result = ScanDatabase.write(scan);
    database.inTransaction(
        () ->
            jdbc.sql(
                    "INSERT INTO layer_scans (layer_digest, index_state, result) VALUES (:layer, :state, :result)"
                        + " ON CONFLICT DO NOTHING")
                .param("layer", layerDigest)
                .param("state", indexState)
                .param("result", result)
                .update());
  }

  /**
   * Coalesces the layers' stored results and, in the same transaction, stores the finished report
   * and sets the owning run's status {@code finished}. Returns the report's package count. A retry
   * after a commit whose answer was lost finds its own run finished and writes nothing again.
   */
  int writeFinished(String digest, String runToken, String indexState, List<String> layers) {
    return database.inTransaction(
        () -> {
          String status = ownedStatus(digest, runToken);
          if (isFinal(status)) {
            return storedPackageCount(digest);
          }
          Map<String, LayerScan> results = layerResults(layers, indexState);
          List<ScannedLayer> scanned = new ArrayList<>();
          for (String layer : layers) {
            LayerScan scan = results.get(layer);
            if (scan == null) {
              // Not a data error: the scan activity stored it before this one started. Retried like
              // a timeout.
              throw new IllegalStateException(
                  "no stored scan of layer " + layer + " for index state " + indexState);
            }
            scanned.add(new ScannedLayer(layer, scan));
          }
          IndexReport report = IndexReport.finished(digest, Coalescer.coalesce(scanned));
          upsertReport(digest, runToken, indexState, report);
          setStatus(digest, runToken, "finished", null);
          return report.packages().size();
        });
  }

  /**
   * Stores an {@code IndexError} report saying {@code error} unless a finished report exists, and
   * sets the owning run's status {@code failed}, in one transaction.
   */
  void writeError(String digest, String runToken, String indexState, String error) {
    database.inTransaction(
        () -> {
          if (isFinal(ownedStatus(digest, runToken))) {
            return null;
          }
          boolean finishedStored =
              jdbc.sql(
                          "SELECT count(*) FROM index_reports WHERE manifest_digest = :digest AND state = 'IndexFinished'")
                      .param("digest", digest)
                      .query(Long.class)
                      .single()
                  > 0;
          if (!finishedStored) {
            upsertReport(digest, runToken, indexState, IndexReport.error(digest, error));
          }
          setStatus(digest, runToken, "failed", error);
          return null;
        });
  }

  /**
   * Locks the status row and returns its status if {@code runToken} owns it; throws if another run
   * took it over.
   */
  private String ownedStatus(String digest, String runToken) {
    Optional<String[]> row =
        jdbc.sql(
                "SELECT run_token, status FROM scan_status WHERE manifest_digest = :digest FOR UPDATE")
            .param("digest", digest)
            .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
            .optional();
    if (row.isEmpty() || !row.get()[0].equals(runToken)) {
      throw new ScanSupersededException(digest, runToken);
    }
    return row.get()[1];
  }

  private static boolean isFinal(String status) {
    return "finished".equals(status) || "failed".equals(status);
  }

  private void setStatus(String digest, String runToken, String status, String error) {
    jdbc.sql(
            "UPDATE scan_status SET status = :status, error = :error, updated_at = now()"
                + " WHERE manifest_digest = :digest AND run_token = :run")
        .param("status", status)
        .param("error", error)
        .param("digest", digest)
        .param("run", runToken)
        .update();
  }

  /** Stores the report and, from the same JSON, its package rows (an error report has none). */
  private void upsertReport(String digest, String runToken, String indexState, IndexReport report) {
    String json = ScanDatabase.write(report);
    jdbc.sql(UPSERT_REPORT)
        .param("digest", digest)
        .param("indexState", indexState)
        .param("state", report.state())
        .param("success", report.success())
        .param("err", report.err())
        .param("report", json)
        .param("run", runToken)
        .update();
    jdbc.sql("DELETE FROM index_report_packages WHERE manifest_digest = :digest")
        .param("digest", digest)
        .update();
    jdbc.sql(
            "INSERT INTO index_report_packages"
                + " SELECT :digest, p.* FROM index_report_package_rows(CAST(:report AS JSONB)) AS p")
        .param("digest", digest)
        .param("report", json)
        .update();
  }

  private int storedPackageCount(String digest) {
    return jdbc.sql("SELECT report FROM index_reports WHERE manifest_digest = :digest")
        .param("digest", digest)
        .query(String.class)
        .optional()
        .map(json -> ScanDatabase.read(json, IndexReport.class).packages().size())
        .orElse(0);
  }

  private Map<String, LayerScan> layerResults(List<String> layers, String indexState) {
    return jdbc
        .sql(
            "SELECT layer_digest, result FROM layer_scans WHERE index_state = :state AND layer_digest IN (:layers)")
        .param("state", indexState)
        .param("layers", layers)
        .query(
            (rs, n) ->
                Map.entry(rs.getString(1), ScanDatabase.read(rs.getString(2), LayerScan.class)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}

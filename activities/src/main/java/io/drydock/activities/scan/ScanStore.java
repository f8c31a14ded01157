package io.drydock.activities.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.drydock.activities.scan.indexer.Coalescer;
import io.drydock.activities.scan.indexer.Distribution;
import io.drydock.activities.scan.indexer.IndexReport;
import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.activities.scan.indexer.ScannedLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Index reports, layer results and scan statuses in PostgreSQL, the one place every API replica reads. Every statement
 * runs under a statement timeout, and a timeout is an exception: the caller's retry policy retries it, and nothing is
 * written in its place. Status writes are compare-and-sets on the run's token; a report is written only in the
 * transaction that sets the owning run's final status.
 */
public final class ScanStore {
  /** Clair's writes: a finished report replaces anything; an error report never replaces a finished one. */
  private static final String UPSERT_REPORT =
      """
      INSERT INTO index_reports (manifest_digest, index_state, state, success, err, report, written_by_run)
      VALUES (:digest, :indexState, :state, :success, :err, :report, :run)
      ON CONFLICT (manifest_digest) DO UPDATE
         SET index_state = excluded.index_state, state = excluded.state, success = excluded.success,
             err = excluded.err, report = excluded.report, written_by_run = excluded.written_by_run, written_at = now()
      """;

  /** Package names a query of {@link #affectedManifests} asks for: an index lookup each, in one statement. */
  private static final int NAMES_PER_QUERY = 500;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final long statementTimeoutMillis;

  public ScanStore(DataSource dataSource, Duration statementTimeout) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.statementTimeoutMillis = statementTimeout.toMillis();
  }

  /** An image manifest the registry holds, with its layer digests bottom first. */
  record ImageManifest(String digest, List<String> layers) {}

  /** What is stored for a manifest, as the check needs it. */
  record StoredReportState(String state, boolean success, String indexState) {}

  /** A stored report as served, with the status of the manifest's latest run. */
  public record StoredReport(String digest, String json, String state, String indexState, Instant writtenAt) {}

  /** A manifest's scan status; {@code status} is {@code unscanned} when no run has ever taken it. */
  public record ScanStatus(String repository, String digest, String status, String error, Instant updatedAt) {}

  Optional<ImageManifest> imageManifest(String digest) {
    return inTransaction(
        () ->
            jdbc.sql(
                    "SELECT payload FROM manifests WHERE digest = :digest AND config_digest IS NOT NULL"
                        + " ORDER BY id LIMIT 1")
                .param("digest", digest)
                .query((rs, n) -> new ImageManifest(digest, layersOf(rs.getBytes(1))))
                .optional());
  }

  /**
   * Makes {@code runToken} the owner of the manifest's status ({@code scheduled}) unless it already is (a retried
   * activity must not move its own run backwards), and loads the stored report's state, in one transaction.
   */
  Optional<StoredReportState> begin(String digest, String runToken) {
    return inTransaction(
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
          return jdbc.sql("SELECT state, success, index_state FROM index_reports WHERE manifest_digest = :digest")
              .param("digest", digest)
              .query((rs, n) -> new StoredReportState(rs.getString(1), rs.getBoolean(2), rs.getString(3)))
              .optional();
        });
  }

  /** {@code scheduled -> scanning} for the owning run; a no-op if the run is already past it. */
  void markScanning(String digest, String runToken) {
    inTransaction(
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
    inTransaction(
        () -> {
          if (!isFinal(ownedStatus(digest, runToken))) {
            setStatus(digest, runToken, "finished", null);
          }
          return null;
        });
  }

  List<String> unscannedLayers(List<String> layers, String indexState) {
    List<String> scanned =
        inTransaction(
            () ->
                jdbc.sql("SELECT layer_digest FROM layer_scans WHERE index_state = :state AND layer_digest IN (:layers)")
                    .param("state", indexState)
                    .param("layers", layers)
                    .query(String.class)
                    .list());
    return layers.stream().distinct().filter(layer -> !scanned.contains(layer)).toList();
  }

  void storeLayerScan(String layerDigest, String indexState, LayerScan scan) {
    String result = write(scan);
    inTransaction(
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
   * Coalesces the layers' stored results and, in the same transaction, stores the finished report and sets the
   * owning run's status {@code finished}. Returns the report's package count. A retry after a commit whose answer was
   * lost finds its own run finished and writes nothing again.
   */
  int writeFinished(String digest, String runToken, String indexState, List<String> layers) {
    return inTransaction(
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
              // Not a data error: the scan activity stored it before this one started. Retried like a timeout.
              throw new IllegalStateException("no stored scan of layer " + layer + " for index state " + indexState);
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
   * Stores an {@code IndexError} report saying {@code error} unless a finished report exists, and sets the owning
   * run's status {@code failed}, in one transaction.
   */
  void writeError(String digest, String runToken, String indexState, String error) {
    inTransaction(
        () -> {
          if (isFinal(ownedStatus(digest, runToken))) {
            return null;
          }
          boolean finishedStored =
              jdbc.sql("SELECT count(*) FROM index_reports WHERE manifest_digest = :digest AND state = 'IndexFinished'")
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

  public Optional<StoredReport> report(String digest) {
    return inTransaction(
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
   * Deletes the reports and the scan statuses of {@code digests}; returns the digests that had a report. A run still
   * indexing one of them no longer owns its status, so it writes nothing afterwards.
   */
  public List<String> deleteReports(List<String> digests) {
    if (digests.isEmpty()) {
      return List.of();
    }
    return inTransaction(
        () -> {
          jdbc.sql("DELETE FROM scan_status WHERE manifest_digest IN (:digests)").param("digests", digests).update();
          return jdbc.sql("DELETE FROM index_reports WHERE manifest_digest IN (:digests) RETURNING manifest_digest")
              .param("digests", digests)
              .query(String.class)
              .list()
              .stream()
              .sorted()
              .toList();
        });
  }

  /**
   * Clair's affected_manifest: for each manifest with a stored finished report that one of {@code vulnerabilities}
   * affects ({@link VulnerablePackage#affects}), the ids of those that do, in the order given. The packages are read by
   * name from the indexed package rows, {@value #NAMES_PER_QUERY} distinct names a query, each query in its own
   * transaction under the statement timeout.
   */
  public Map<String, List<String>> affectedManifests(List<VulnerablePackage> vulnerabilities) {
    Map<String, List<VulnerablePackage>> byName = new LinkedHashMap<>();
    vulnerabilities.forEach(v -> byName.computeIfAbsent(v.packageName(), name -> new ArrayList<>()).add(v));
    Map<String, Set<String>> affected = new TreeMap<>();
    List<String> names = List.copyOf(byName.keySet());
    for (int from = 0; from < names.size(); from += NAMES_PER_QUERY) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + NAMES_PER_QUERY));
      inTransaction(
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
                          affected.computeIfAbsent(stored.manifestDigest(), d -> new LinkedHashSet<>()).add(v.id());
                        }
                      }
                    });
            return null;
          });
    }
    // In the order the vulnerabilities were given, whichever package row matched first.
    List<String> order = vulnerabilities.stream().map(VulnerablePackage::id).distinct().toList();
    Map<String, List<String>> answer = new TreeMap<>();
    affected.forEach((digest, ids) -> answer.put(digest, order.stream().filter(ids::contains).toList()));
    return answer;
  }

  private static VulnerablePackage.StoredPackage storedPackage(ResultSet rs) throws SQLException {
    Distribution distribution = new Distribution("", rs.getString("did"), rs.getString("dist_name"),
        rs.getString("dist_version"), rs.getString("dist_version_code_name"), rs.getString("dist_version_id"),
        rs.getString("dist_arch"), rs.getString("dist_cpe"), rs.getString("dist_pretty_name"));
    return new VulnerablePackage.StoredPackage(rs.getString("manifest_digest"), rs.getString("kind"),
        rs.getString("name"), rs.getString("version"), rs.getString("package_db"), distribution);
  }

  /** The manifest's layer digests, bottom first; empty if the registry holds no such image manifest. */
  public Optional<List<String>> manifestLayers(String digest) {
    return imageManifest(digest).map(ImageManifest::layers);
  }

  /**
   * Scan status of the image manifests of {@code repository} (every repository when null) after the position
   * ({@code afterRepository}, {@code afterDigest}) when given, in (repository, digest) order, read in one snapshot.
   */
  public List<ScanStatus> statuses(String repository, String afterRepository, String afterDigest, int limit) {
    return inTransaction(
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
    return inTransaction(
        () ->
            jdbc.sql("SELECT count(*) FROM repositories WHERE path = :path")
                    .param("path", repository)
                    .query(Long.class)
                    .single()
                > 0);
  }

  /** Distinct image manifest digests (of one repository when not null) after {@code after}, in digest order. */
  List<String> manifestDigests(String repository, String after, int limit) {
    return inTransaction(
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
    return inTransaction(
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
    return inTransaction(
        () -> jdbc.sql("SELECT index_state FROM scan_index_state").query(String.class).optional());
  }

  void recordBulkRescannedIndexState(String indexState) {
    inTransaction(
        () ->
            jdbc.sql(
                    "INSERT INTO scan_index_state (index_state) VALUES (:state) ON CONFLICT (singleton)"
                        + " DO UPDATE SET index_state = excluded.index_state, updated_at = now()")
                .param("state", indexState)
                .update());
  }

  /** Locks the status row and returns its status if {@code runToken} owns it; throws if another run took it over. */
  private String ownedStatus(String digest, String runToken) {
    Optional<String[]> row =
        jdbc.sql("SELECT run_token, status FROM scan_status WHERE manifest_digest = :digest FOR UPDATE")
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
    String json = write(report);
    jdbc.sql(UPSERT_REPORT)
        .param("digest", digest)
        .param("indexState", indexState)
        .param("state", report.state())
        .param("success", report.success())
        .param("err", report.err())
        .param("report", json)
        .param("run", runToken)
        .update();
    jdbc.sql("DELETE FROM index_report_packages WHERE manifest_digest = :digest").param("digest", digest).update();
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
        .map(json -> read(json, IndexReport.class).packages().size())
        .orElse(0);
  }

  private Map<String, LayerScan> layerResults(List<String> layers, String indexState) {
    return jdbc.sql("SELECT layer_digest, result FROM layer_scans WHERE index_state = :state AND layer_digest IN (:layers)")
        .param("state", indexState)
        .param("layers", layers)
        .query((rs, n) -> Map.entry(rs.getString(1), read(rs.getString(2), LayerScan.class)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** Runs {@code work} in a transaction whose statements each time out after the configured limit. */
  private <T> T inTransaction(Supplier<T> work) {
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT set_config('statement_timeout', :timeout, true)")
              .param("timeout", statementTimeoutMillis + "ms")
              .query(String.class)
              .single();
          return work.get();
        });
  }

  private static List<String> layersOf(byte[] payload) {
    JsonNode manifest;
    try {
      manifest = JSON.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException("stored manifest payload is not JSON", e);
    }
    List<String> layers = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      layers.add(layer.path("digest").asText());
    }
    return layers;
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
    }
  }
}

package io.drydock.activities.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The write rules of index reports and scan statuses, on a real PostgreSQL with the real schema.
 */
class ScanStoreTest {
  private static final String MANIFEST = "sha256:" + "a".repeat(64);
  private static final String LAYER = "sha256:" + "b".repeat(64);
  private static final String STATE = "c".repeat(64);
  private static final String NEW_STATE = "d".repeat(64);

  private DataSource dataSource;
  private ScanStore store;
  private ScanQueries queries;
  private JdbcClient jdbc;

  @BeforeEach
  void freshDatabase() {
    dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new ScanStore(dataSource, Duration.ofMillis(500));
    queries = new ScanQueries(dataSource, Duration.ofMillis(500));
    jdbc = JdbcClient.create(dataSource);
    jdbc.sql(
            "INSERT INTO repositories (path, name, migration_status) VALUES ('demo/debian', 'debian', 'import_complete')")
        .update();
    jdbc.sql("INSERT INTO blobs (digest, size) VALUES (:layer, 10), (:config, 2)")
        .param("layer", LAYER)
        .param("config", "sha256:" + "e".repeat(64))
        .update();
    jdbc.sql(
            "INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest)"
                + " SELECT id, :digest, 'application/vnd.oci.image.manifest.v1+json', 2, 10, :payload, :config"
                + " FROM repositories")
        .param("digest", MANIFEST)
        .param(
            "payload",
            ("{\"layers\":[{\"digest\":\"" + LAYER + "\"}]}").getBytes(StandardCharsets.UTF_8))
        .param("config", "sha256:" + "e".repeat(64))
        .update();
    store.storeLayerScan(LAYER, STATE, debianLayer());
    store.storeLayerScan(LAYER, NEW_STATE, debianLayer());
  }

  @Test
  void aFinishedReportIsWrittenWithTheRunsFinalStatusAndServedAsStored() {
    store.begin(MANIFEST, "run-1");
    store.markScanning(MANIFEST, "run-1");

    assertThat(store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER))).isEqualTo(1);

    ScanQueries.StoredReport report = queries.report(MANIFEST).orElseThrow();
    assertThat(report.state()).isEqualTo("IndexFinished");
    assertThat(report.json())
        .contains("\"manifest_hash\":\"" + MANIFEST + "\"", "\"bash\"", "\"success\":true");
    assertThat(status()).isEqualTo("finished");
  }

  @Test
  void anErrorNeverReplacesAFinishedReport() {
    store.begin(MANIFEST, "run-1");
    store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER));
    String finished = queries.report(MANIFEST).orElseThrow().json();

    store.begin(MANIFEST, "run-2");
    store.writeError(MANIFEST, "run-2", NEW_STATE, "layer unreadable");

    assertThat(queries.report(MANIFEST).orElseThrow().json()).isEqualTo(finished);
    assertThat(status()).isEqualTo("failed");
  }

  @Test
  void anErrorIsStoredWithItsTextWhenThereIsNoFinishedReport() {
    store.begin(MANIFEST, "run-1");
    store.writeError(MANIFEST, "run-1", STATE, "layer " + LAYER + " is unreadable");

    ScanQueries.StoredReport report = queries.report(MANIFEST).orElseThrow();
    assertThat(report.state()).isEqualTo("IndexError");
    assertThat(report.json()).contains("\"success\":false", "is unreadable");
  }

  @Test
  void theSchemaRefusesClairsEmptyReport() {
    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "INSERT INTO index_reports (manifest_digest, index_state, state, success, err, report,"
                            + " written_by_run) VALUES (:digest, :state, '', false, '', '{}', 'run')")
                    .param("digest", MANIFEST)
                    .param("state", STATE)
                    .update())
        .hasMessageContaining("index_reports_state_check");
    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "INSERT INTO index_reports (manifest_digest, index_state, state, success, err, report,"
                            + " written_by_run) VALUES (:digest, :state, 'IndexError', false, '', '{}', 'run')")
                    .param("digest", MANIFEST)
                    .param("state", STATE)
                    .update())
        .hasMessageContaining("index_reports_check");
  }

  @Test
  void aSupersededRunWritesNothing() {
    store.begin(MANIFEST, "run-1");
    store.begin(MANIFEST, "run-2");

    assertThatThrownBy(() -> store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER)))
        .isInstanceOf(ScanSupersededException.class);
    assertThatThrownBy(() -> store.writeError(MANIFEST, "run-1", STATE, "late"))
        .isInstanceOf(ScanSupersededException.class);
    assertThat(queries.report(MANIFEST)).isEmpty();
    assertThat(status()).isEqualTo("scheduled");
  }

  @Test
  void aRetriedActivityNeverMovesItsOwnRunBackwards() {
    store.begin(MANIFEST, "run-1");
    store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER));
    String written = queries.report(MANIFEST).orElseThrow().json();

    store.begin(MANIFEST, "run-1");
    store.markScanning(MANIFEST, "run-1");
    assertThat(store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER))).isEqualTo(1);

    assertThat(status()).isEqualTo("finished");
    assertThat(queries.report(MANIFEST).orElseThrow().json()).isEqualTo(written);
  }

  @Test
  void deletingAReportFencesTheRunStillIndexingIt() {
    store.begin(MANIFEST, "run-1");

    assertThat(queries.deleteReports(List.of(MANIFEST))).isEmpty();

    assertThatThrownBy(() -> store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER)))
        .isInstanceOf(ScanSupersededException.class);
    assertThat(queries.report(MANIFEST)).isEmpty();
    assertThat(queries.statuses("demo/debian", null, null, 10))
        .singleElement()
        .extracting(ScanQueries.ScanStatus::status)
        .isEqualTo("unscanned");
  }

  @Test
  void aLoadBlockedPastTheStatementTimeoutFailsInsteadOfAnsweringNoReport() throws Exception {
    store.begin(MANIFEST, "run-1");
    store.writeFinished(MANIFEST, "run-1", STATE, List.of(LAYER));
    try (Connection locker = dataSource.getConnection()) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("LOCK TABLE index_reports IN ACCESS EXCLUSIVE MODE");

      assertThatThrownBy(() -> store.begin(MANIFEST, "run-2"))
          .hasMessageContaining("statement timeout");
      locker.rollback();
    }
    assertThat(queries.report(MANIFEST).orElseThrow().state()).isEqualTo("IndexFinished");
    assertThat(status()).isEqualTo("finished");
  }

  @Test
  void manifestsArePagedInDigestOrder() {
    assertThat(store.bulkRescans().manifestDigests(null, null, 10)).containsExactly(MANIFEST);
    assertThat(store.bulkRescans().manifestDigests(null, MANIFEST, 10)).isEmpty();
    assertThat(store.bulkRescans().countManifests("demo/debian")).isEqualTo(1);
    assertThat(store.bulkRescans().countManifests("other/repository")).isZero();
    assertThat(queries.manifestLayers(MANIFEST)).contains(List.of(LAYER));
  }

  private String status() {
    return jdbc.sql("SELECT status FROM scan_status WHERE manifest_digest = :digest")
        .param("digest", MANIFEST)
        .query(String.class)
        .single();
  }

  private static LayerScan debianLayer() {
    return new LayerScan(
        List.of(
            new LayerScan.PackageDatabase(
                "var/lib/dpkg/status",
                List.of(
                    new LayerScan.InstalledPackage(
                        "bash", "5.2.15-2+b2", "amd64", "bash", "5.2.15-2")))),
        List.of(),
        List.of(),
        List.of());
  }
}

package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.legacy.Digest;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.StatusTransition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The compare-and-set and fencing rules of the registry database, on a real PostgreSQL with the real schema. */
class RegistryStoreTest {
  private static final String PATH = "group/project/app";

  private RegistryStore store;
  private JdbcClient jdbc;

  @BeforeEach
  void freshDatabase() {
    DataSource dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new RegistryStore(dataSource);
    jdbc = JdbcClient.create(dataSource);
  }

  @Test
  void aClaimCreatesTheRowInProgressOwnedByTheRun() {
    RepositoryState claimed = store.claimPreImport(PATH, "run-1").orElseThrow();

    assertThat(claimed.status()).isEqualTo(MigrationStatus.PRE_IMPORT_IN_PROGRESS);
    assertThat(claimed.ownerToken()).isEqualTo("run-1");
    assertThat(claimed.name()).isEqualTo("app");
  }

  @Test
  void aSecondClaimWhileInProgressIsRefusedAndKeepsTheOwner() {
    store.claimPreImport(PATH, "run-1");

    assertThat(store.claimPreImport(PATH, "run-2")).isEmpty();
    assertThat(store.find(PATH).orElseThrow().ownerToken()).isEqualTo("run-1");
  }

  @Test
  void onlyTheOwningRunCanMoveTheStatus() {
    store.claimPreImport(PATH, "run-1");
    store.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    store.claimPreImport(PATH, "run-2");

    boolean zombie = store.transition(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    assertThat(zombie).isFalse();
    RepositoryState state = store.find(PATH).orElseThrow();
    assertThat(state.status()).isEqualTo(MigrationStatus.PRE_IMPORT_IN_PROGRESS);
    assertThat(state.ownerToken()).isEqualTo("run-2");
    assertThat(store.transition(transition("run-2", MigrationStatus.PRE_IMPORT_COMPLETE, null))).isTrue();
  }

  @Test
  void aFailureKeepsItsErrorTextUntilTheNextClaim() {
    store.claimPreImport(PATH, "run-1");
    store.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    assertThat(store.find(PATH).orElseThrow().detail()).isEqualTo("disk gone");

    store.claimPreImport(PATH, "run-2");

    assertThat(store.find(PATH).orElseThrow().detail()).isEqualTo("pre import in progress");
  }

  @Test
  void repositoriesOnTheDatabaseCannotBeClaimed() {
    jdbc.sql("INSERT INTO repositories (path, name, migration_status) VALUES (:path, 'app', 'import_complete')")
        .param("path", PATH)
        .update();

    assertThat(store.claimPreImport(PATH, "run-1")).isEmpty();
  }

  @Test
  void releasingAClaimRestoresThePreviousStatusOrRemovesTheNewRow() {
    store.claimPreImport(PATH, "run-1");
    store.releaseClaim(PATH, "run-1", Optional.empty());
    assertThat(store.find(PATH)).isEmpty();

    store.claimPreImport(PATH, "run-2");
    store.transition(transition("run-2", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    Optional<RepositoryState> before = store.find(PATH);
    store.claimPreImport(PATH, "run-3");
    store.releaseClaim(PATH, "run-3", before);

    RepositoryState restored = store.find(PATH).orElseThrow();
    assertThat(restored.status()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
    assertThat(restored.ownerToken()).isEqualTo("run-2");
    assertThat(restored.error()).isEqualTo("disk gone");
  }

  @Test
  void batchesAreIdempotentAndLinkIndexesToTheirChildren() {
    store.claimPreImport(PATH, "run-1");
    List<ManifestRecord> batch = List.of(image("a"), image("b"), index(image("a"), image("b")));

    store.writeManifests(PATH, "run-1", batch);
    store.writeManifests(PATH, "run-1", batch);

    assertThat(store.counts(PATH)).isEqualTo(new ImportCounts(3, 4, 0));
    assertThat(jdbc.sql("SELECT count(*) FROM manifest_references").query(Long.class).single()).isEqualTo(2);
    assertThat(jdbc.sql("SELECT count(*) FROM manifest_blobs").query(Long.class).single()).isEqualTo(2);
  }

  @Test
  void aFencedOutRunWritesNothing() {
    store.claimPreImport(PATH, "run-1");
    store.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "canceled"));
    store.claimPreImport(PATH, "run-2");

    assertThatThrownBy(() -> store.writeManifests(PATH, "run-1", List.of(image("a"))))
        .isInstanceOf(FencedOutException.class);
    assertThat(store.counts(PATH)).isEqualTo(ImportCounts.NONE);
  }

  private static StatusTransition transition(String token, MigrationStatus next, String error) {
    return new StatusTransition(PATH, token, MigrationStatus.PRE_IMPORT_IN_PROGRESS, next, error);
  }

  private static ManifestRecord image(String seed) {
    String config = digest("config-" + seed).toString();
    String layer = digest("layer-" + seed).toString();
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"" + ParsedManifest.OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
            + "\",\"size\":10},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer
            + "\",\"size\":20}]}";
    return record(json);
  }

  private static ManifestRecord index(ManifestRecord... children) {
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + ParsedManifest.OCI_INDEX
        + "\",\"manifests\":[");
    for (int i = 0; i < children.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(ParsedManifest.OCI_MANIFEST)
          .append("\",\"digest\":\"")
          .append(children[i].digest())
          .append("\",\"size\":")
          .append(children[i].payload().length)
          .append('}');
    }
    return record(json.append("]}").toString());
  }

  private static ManifestRecord record(String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256Of(payload);
    return new ManifestRecord(digest, payload, ParsedManifest.parse(digest, payload));
  }

  private static Digest digest(String content) {
    return Digest.sha256Of(content.getBytes(StandardCharsets.UTF_8));
  }
}

package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.legacy.Digest;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.StatusTransition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The compare-and-set and fencing rules of the registry database, on a real PostgreSQL with the
 * real schema.
 */
class RegistryStoreTest {
  private static final String PATH = "group/project/app";
  private static final ClaimLimits LIMITS = new ClaimLimits(0, Duration.ofSeconds(5));

  private RegistryStore store;

  private ImportRunStore runs;

  private ImportedMetadataStore metadata;
  private JdbcClient jdbc;

  @BeforeEach
  void freshDatabase() {
    DataSource dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new RegistryStore(dataSource);
    runs = new ImportRunStore(dataSource);
    metadata = new ImportedMetadataStore(dataSource);
    jdbc = JdbcClient.create(dataSource);
  }

  @Test
  void aClaimCreatesTheRowInProgressOwnedByTheRun() {
    RepositoryState claimed = claimPre("run-1").orElseThrow();

    assertThat(claimed.status()).isEqualTo(MigrationStatus.PRE_IMPORT_IN_PROGRESS);
    assertThat(claimed.ownerToken()).isEqualTo("run-1");
    assertThat(claimed.name()).isEqualTo("app");
  }

  @Test
  void aSecondClaimWhileInProgressIsRefusedAndKeepsTheOwner() {
    claimPre("run-1");

    assertThat(claimPre("run-2")).isEmpty();
    assertThat(store.find(PATH).orElseThrow().ownerToken()).isEqualTo("run-1");
  }

  @Test
  void onlyTheOwningRunCanMoveTheStatus() {
    claimPre("run-1");
    runs.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    claimPre("run-2");

    boolean zombie =
        runs.transition(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    assertThat(zombie).isFalse();
    RepositoryState state = store.find(PATH).orElseThrow();
    assertThat(state.status()).isEqualTo(MigrationStatus.PRE_IMPORT_IN_PROGRESS);
    assertThat(state.ownerToken()).isEqualTo("run-2");
    assertThat(runs.transition(transition("run-2", MigrationStatus.PRE_IMPORT_COMPLETE, null)))
        .isTrue();
  }

  @Test
  void aFailureKeepsItsErrorTextUntilTheNextClaim() {
    claimPre("run-1");
    runs.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    assertThat(store.find(PATH).orElseThrow().detail()).isEqualTo("disk gone");

    claimPre("run-2");

    assertThat(store.find(PATH).orElseThrow().detail()).isEqualTo("pre import in progress");
  }

  @Test
  void repositoriesOnTheDatabaseCannotBeClaimed() {
    jdbc.sql(
            "INSERT INTO repositories (path, name, migration_status) VALUES (:path, 'app', 'import_complete')")
        .param("path", PATH)
        .update();

    assertThat(claimPre("run-1")).isEmpty();
  }

  @Test
  void releasingAClaimRestoresThePreviousStatusOrRemovesTheNewRow() {
    claimPre("run-1");
    store.releaseClaim(PATH, "run-1", Optional.empty());
    assertThat(store.find(PATH)).isEmpty();

    claimPre("run-2");
    runs.transition(transition("run-2", MigrationStatus.PRE_IMPORT_FAILED, "disk gone"));
    Optional<RepositoryState> before = store.find(PATH);
    claimPre("run-3");
    store.releaseClaim(PATH, "run-3", before);

    RepositoryState restored = store.find(PATH).orElseThrow();
    assertThat(restored.status()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
    assertThat(restored.ownerToken()).isEqualTo("run-2");
    assertThat(restored.error()).isEqualTo("disk gone");
  }

  @Test
  void batchesAreIdempotentAndLinkIndexesToTheirChildren() {
    claimPre("run-1");
    List<ManifestRecord> batch = List.of(image("a"), image("b"), index(image("a"), image("b")));

    metadata.writeManifests(PATH, "run-1", batch);
    metadata.writeManifests(PATH, "run-1", batch);

    assertThat(metadata.counts(PATH)).isEqualTo(new ImportCounts(3, 4, 0));
    assertThat(jdbc.sql("SELECT count(*) FROM manifest_references").query(Long.class).single())
        .isEqualTo(2);
    assertThat(jdbc.sql("SELECT count(*) FROM manifest_blobs").query(Long.class).single())
        .isEqualTo(2);
  }

  @Test
  void aFencedOutRunWritesNothing() {
    claimPre("run-1");
    runs.transition(transition("run-1", MigrationStatus.PRE_IMPORT_FAILED, "canceled"));
    claimPre("run-2");

    assertThatThrownBy(() -> metadata.writeManifests(PATH, "run-1", List.of(image("a"))))
        .isInstanceOf(FencedOutException.class);
    assertThat(metadata.counts(PATH)).isEqualTo(ImportCounts.NONE);
  }

  @Test
  void theConcurrencyLimitCountsImportsInProgressOnEveryRepository() {
    ClaimLimits two = new ClaimLimits(2, Duration.ofSeconds(5));
    assertThat(store.claim("a/one", ImportType.PRE, "run-1", two))
        .isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(store.claim("a/two", ImportType.PRE, "run-2", two))
        .isInstanceOf(ClaimOutcome.Claimed.class);

    assertThat(store.claim("a/three", ImportType.PRE, "run-3", two))
        .isEqualTo(new ClaimOutcome.RateLimited(2));
    assertThat(store.find("a/three")).as("a refused claim writes nothing").isEmpty();

    runs.finishRun(
        new StatusTransition(
            "a/one",
            "run-1",
            MigrationStatus.PRE_IMPORT_IN_PROGRESS,
            MigrationStatus.PRE_IMPORT_COMPLETE,
            null));
    assertThat(store.claim("a/three", ImportType.PRE, "run-3", two))
        .isInstanceOf(ClaimOutcome.Claimed.class);
  }

  @Test
  void aCanceledRunThatHasNotClosedKeepsTheRepositoryUntilItClosesOrTheDeadlinePasses() {
    claimPre("run-1");
    assertThat(store.cancel(PATH, false))
        .get()
        .extracting(RepositoryState::status)
        .isEqualTo(MigrationStatus.PRE_IMPORT_CANCELED);

    assertThat(store.claim(PATH, ImportType.PRE, "run-2", LIMITS))
        .isInstanceOf(ClaimOutcome.NotReady.class);

    runs.releaseRun(PATH, "run-1");
    assertThat(claimPre("run-2")).isPresent();

    store.cancel(PATH, false);
    ClaimLimits noGrace = new ClaimLimits(0, Duration.ZERO);
    assertThat(store.claim(PATH, ImportType.PRE, "run-3", noGrace))
        .as("past the deadline the repository is released even though run-2 never closed")
        .isInstanceOf(ClaimOutcome.Claimed.class);
    assertThat(runs.finishRun(transition("run-2", MigrationStatus.PRE_IMPORT_COMPLETE, null)))
        .isEmpty();
    assertThat(store.find(PATH).orElseThrow().ownerToken()).isEqualTo("run-3");
  }

  @Test
  void onlyImportsInProgressCanBeCanceledUnlessForced() {
    assertThat(store.cancel(PATH, false)).isEmpty();
    claimPre("run-1");
    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    assertThat(store.cancel(PATH, false)).isEmpty();
    assertThat(store.cancel(PATH, true))
        .get()
        .extracting(RepositoryState::status)
        .isEqualTo(MigrationStatus.PRE_IMPORT_CANCELED);
  }

  @Test
  void finishingARunIsIdempotentSoARetriedStatusWriteStillReportsItsOwnStatus() {
    claimPre("run-1");

    for (int write = 1; write <= 2; write++) {
      assertThat(runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null)))
          .as("the run's type and the time since its claim, for the worker's metrics")
          .hasValueSatisfying(
              run -> {
                assertThat(run.importType()).isEqualTo("pre");
                assertThat(run.sinceClaim())
                    .hasValueSatisfying(took -> assertThat(took).isPositive());
              });
    }
    assertThat(store.find(PATH).orElseThrow().ownerClosed()).isTrue();
  }

  @Test
  void aFinalImportCommitsTagsNewManifestsAndItsStatusTogether() {
    claimPre("run-1");
    ManifestRecord a = image("a");
    metadata.writeManifests(PATH, "run-1", List.of(a));
    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));
    assertThat(claimed(store.claim(PATH, ImportType.FINAL, "run-2", LIMITS))).isPresent();
    ManifestRecord pushedLater = image("b");

    metadata.commitFinalImport(
        PATH, "run-2", List.of(pushedLater), Map.of("v1", a.digest(), "v2", pushedLater.digest()));

    assertThat(metadata.counts(PATH)).isEqualTo(new ImportCounts(2, 4, 2));
    assertThat(store.find(PATH).orElseThrow().status()).isEqualTo(MigrationStatus.IMPORT_COMPLETE);
  }

  @Test
  void aCanceledFinalImportCommitsNothing() {
    claimPre("run-1");
    ManifestRecord a = image("a");
    metadata.writeManifests(PATH, "run-1", List.of(a));
    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));
    claimed(store.claim(PATH, ImportType.FINAL, "run-2", LIMITS));
    store.cancel(PATH, false);

    assertThatThrownBy(
            () ->
                metadata.commitFinalImport(
                    PATH, "run-2", List.of(image("b")), Map.of("v1", a.digest())))
        .isInstanceOf(FencedOutException.class);
    assertThat(metadata.counts(PATH)).isEqualTo(new ImportCounts(1, 2, 0));
    assertThat(store.find(PATH).orElseThrow().status()).isEqualTo(MigrationStatus.IMPORT_CANCELED);
  }

  @Test
  void repositoriesImportedBeforeTheCountsWereKeptAreCountedByTheMigration() {
    DataSource before = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(before).target("12").load().migrate();
    JdbcClient sql = JdbcClient.create(before);
    long id =
        sql.sql(
                "INSERT INTO repositories (path, name, migration_status) VALUES (?, 'app', 'import_complete') RETURNING id")
            .param(PATH)
            .query(Long.class)
            .single();
    String blob = "sha256:" + "b".repeat(64);
    sql.sql(
            "INSERT INTO blobs (digest, media_type, size) VALUES (?, 'application/octet-stream', 1)")
        .param(blob)
        .update();
    sql.sql("INSERT INTO repository_blobs (repository_id, blob_digest) VALUES (?, ?)")
        .params(id, blob)
        .update();
    for (String hex : List.of("1", "2")) {
      sql.sql(
              """
              INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload)
              VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', 2, 2, '{}'::bytea)""")
          .params(id, "sha256:" + hex.repeat(64))
          .update();
    }
    sql.sql(
            "INSERT INTO tags (repository_id, name, manifest_id) SELECT ?, 'latest', min(id) FROM manifests")
        .param(id)
        .update();

    Flyway.configure().dataSource(before).load().migrate();

    assertThat(new ImportedMetadataStore(before).counts(PATH)).isEqualTo(new ImportCounts(2, 1, 1));
  }

  @Test
  void theProgressOfAPreImportIsReadFromTheDatabaseByEveryReplica() {
    claimPre("run-1");

    metadata.writeManifests(PATH, "run-1", List.of(image("a")), new ImportProgress(200, 4000));

    assertThat(store.find(PATH).orElseThrow().detail())
        .isEqualTo("pre import in progress (200 of 4000 tags)");
    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));
    assertThat(store.find(PATH).orElseThrow().detail())
        .isEqualTo("pre import completed successfully");
    claimPre("run-2");
    assertThat(store.find(PATH).orElseThrow().detail())
        .as("a new run starts without progress")
        .isEqualTo("pre import in progress");
  }

  /**
   * A worker killed after committing the batch up to tag 800 but before its heartbeat said so: the
   * retried attempt resumes from the last heartbeat (600) and commits that batch again. The
   * progress shown stays at 800.
   */
  @Test
  void theProgressOfAPreImportNeverGoesBackwardsAcrossARetriedAttempt() {
    claimPre("run-1");
    metadata.writeManifests(PATH, "run-1", List.of(image("a")), new ImportProgress(800, 4000));

    metadata.writeManifests(PATH, "run-1", List.of(image("a")), new ImportProgress(600, 4000));

    assertThat(store.find(PATH).orElseThrow().detail())
        .isEqualTo("pre import in progress (800 of 4000 tags)");
    metadata.writeManifests(PATH, "run-1", List.of(image("b")), new ImportProgress(1000, 4000));
    assertThat(store.find(PATH).orElseThrow().detail())
        .isEqualTo("pre import in progress (1000 of 4000 tags)");
  }

  private Optional<RepositoryState> claimPre(String token) {
    return claimed(store.claim(PATH, ImportType.PRE, token, LIMITS));
  }

  private static Optional<RepositoryState> claimed(ClaimOutcome outcome) {
    return outcome instanceof ClaimOutcome.Claimed claimed
        ? Optional.of(claimed.state())
        : Optional.empty();
  }

  private static StatusTransition transition(String token, MigrationStatus next, String error) {
    return new StatusTransition(PATH, token, MigrationStatus.PRE_IMPORT_IN_PROGRESS, next, error);
  }

  private static ManifestRecord image(String seed) {
    String config = digest("config-" + seed).toString();
    String layer = digest("layer-" + seed).toString();
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + ParsedManifest.OCI_MANIFEST
            + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + config
            + "\",\"size\":10},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + layer
            + "\",\"size\":20}]}";
    return record(json);
  }

  private static ManifestRecord index(ManifestRecord... children) {
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + ParsedManifest.OCI_INDEX
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

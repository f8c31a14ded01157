package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.legacy.LegacyTreeFixture;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.migration.ImportChunk;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportRequest;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationActivities;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link MigrationActivities#importTags} on a real tree and a real PostgreSQL: a repository of
 * several batches, read in two runs, and an attempt that fails half-way then is retried from its
 * last heartbeat, record every manifest.
 */
class StreamedPreImportTest {
  private static final String PATH = "group/project/app";
  private static final int MANIFESTS = 450;
  private static final int BATCH = 40;

  /** Every manifest has its own config and shares the one layer. */
  private static final ImportCounts ALL = new ImportCounts(MANIFESTS, MANIFESTS + 1, 0);

  @TempDir Path root;
  private TestActivityEnvironment temporal;
  private MigrationActivities activities;
  private RegistryStore store;
  private ImportedMetadataStore metadata;
  private JdbcClient jdbc;
  private LegacyStorage legacy;
  private ImportRequest request;

  @BeforeEach
  void claimedRepository() {
    writeManifests();
    legacy = new LegacyStorage(root);
    DataSource dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new RegistryStore(dataSource);
    metadata = new ImportedMetadataStore(dataSource);
    jdbc = JdbcClient.create(dataSource);
    String token = "run-1";
    store.claim(PATH, ImportType.PRE, token, new ClaimLimits(0, Duration.ofSeconds(5)));
    request = new ImportRequest(PATH, token, 0);
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(
        new MigrationActivitiesImpl(
            legacy, new ImportRunStore(dataSource), metadata, BATCH, new SimpleMeterRegistry()));
    activities =
        temporal.newActivityStub(
            MigrationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void close() {
    temporal.close();
  }

  @Test
  void twoRunsOfSeveralBatchesRecordEveryManifestAndCountOnlyAtTheEnd() {
    ImportChunk first = activities.importTags(request, 0, 200);
    ImportChunk second = activities.importTags(request, first.nextTag(), 1000);

    assertThat(first).isEqualTo(new ImportChunk(200, MANIFESTS, ImportCounts.NONE));
    assertThat(second).isEqualTo(new ImportChunk(MANIFESTS, MANIFESTS, ALL));
    assertThat(metadata.counts(PATH)).isEqualTo(ALL);
    assertThat(store.find(PATH).orElseThrow().progress())
        .isEqualTo(new ImportProgress(MANIFESTS, MANIFESTS));
  }

  @Test
  void anAttemptThatFailsHalfWayIsResumedFromItsLastHeartbeatAndMissesNothing() throws IOException {
    Path data = blobData(legacy.tagTarget(PATH, tagAt(300)).orElseThrow());
    Path aside = data.resolveSibling("aside");
    Files.move(data, aside);
    AtomicReference<ImportProgress> lastHeartbeat = new AtomicReference<>();
    temporal.setActivityHeartbeatListener(ImportProgress.class, lastHeartbeat::set);

    assertThatThrownBy(() -> activities.importTags(request, 0, 1000))
        .isInstanceOf(ActivityFailure.class);
    long committed = lastHeartbeat.get().tagsDone();
    assertThat(committed).isLessThanOrEqualTo(300L);
    assertThat(jdbc.sql("SELECT count(*) FROM manifests").query(Long.class).single())
        .isLessThan(MANIFESTS);

    Files.move(aside, data);
    temporal.setHeartbeatDetails(lastHeartbeat.get());
    ImportChunk retried = activities.importTags(request, 0, 1000);

    assertThat(retried).isEqualTo(new ImportChunk(MANIFESTS, MANIFESTS, ALL));
    assertThat(store.find(PATH).orElseThrow().progress())
        .isEqualTo(new ImportProgress(MANIFESTS, MANIFESTS));
  }

  /**
   * {@link #MANIFESTS} Docker schema 2 manifests, each tagged, with a config of its own and one
   * shared layer.
   */
  private void writeManifests() {
    LegacyTreeFixture tree = new LegacyTreeFixture(root);
    byte[] layer = "a layer shared by every manifest".getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = tree.putBlob(layer);
    tree.linkLayer(PATH, layerDigest);
    for (int i = 0; i < MANIFESTS; i++) {
      byte[] config = ("{\"index\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      Digest configDigest = tree.putBlob(config);
      tree.linkLayer(PATH, configDigest);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\""
              + configDigest
              + "\",\"size\":"
              + config.length
              + "},"
              + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\""
              + layerDigest
              + "\",\"size\":"
              + layer.length
              + "}]}";
      Digest manifestDigest = tree.putBlob(manifest.getBytes(StandardCharsets.UTF_8));
      tree.linkRevision(PATH, manifestDigest);
      tree.tag(PATH, "t" + i, manifestDigest);
    }
  }

  private String tagAt(int position) {
    try (Stream<String> tags = legacy.streamTags(PATH)) {
      List<String> firstTags = tags.limit(position + 1).toList();
      return firstTags.get(position);
    }
  }

  private Path blobData(Digest digest) {
    return root.resolve("docker/registry/v2/blobs")
        .resolve(digest.algorithm())
        .resolve(digest.hex().substring(0, 2))
        .resolve(digest.hex())
        .resolve("data");
  }
}

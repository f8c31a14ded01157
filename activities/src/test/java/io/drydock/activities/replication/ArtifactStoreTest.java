package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.replication.DesiredArtifacts;
import io.drydock.workflows.replication.LocalRepository;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The desired artifact set and its generation, on a real PostgreSQL with the real schema and a real
 * depot.
 */
class ArtifactStoreTest {
  private static final Map<String, byte[]> FIRST =
      TestArchives.targets("host.img", "host v1", "shared.bin", "shared");
  private static final Map<String, byte[]> SECOND =
      TestArchives.targets("host.img", "host v2", "shared.bin", "shared");

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();

  @Test
  void twoConcurrentUploadsAreBothKeptAndBumpTheGenerationTwice() throws Exception {
    long before = database.store.generation();
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<UploadOutcome> first =
          CompletableFuture.supplyAsync(() -> uploadAfter(start, FIRST, "first"), threads);
      CompletableFuture<UploadOutcome> second =
          CompletableFuture.supplyAsync(() -> uploadAfter(start, SECOND, "second"), threads);

      assertThat(List.of(first.get().generation(), second.get().generation()))
          .containsExactlyInAnyOrder(before + 1, before + 2);
    } finally {
      threads.shutdown();
    }
    assertThat(database.store.generation()).isEqualTo(before + 2);
    assertThat(database.store.list())
        .extracting(StoredRepository::name)
        .containsExactlyInAnyOrder("first", "second");
    assertThat(database.depotFiles()).hasSize(3);
  }

  @Test
  void theDesiredSetHoldsEveryArtifactOnceTheInServiceSledsAndTheLocalRepositories() {
    database.registry.register("sled-b", "http://127.0.0.1:1", null);
    database.registry.register("sled-a", "http://127.0.0.1:2", null);
    database.registry.register("sled-gone", "http://127.0.0.1:3", null);
    database.registry.expunge("sled-gone");
    String first =
        database.upload.upload(TestArchives.repository("first", FIRST).stream()).repository().id();
    String second =
        database
            .upload
            .upload(TestArchives.repository("second", SECOND).stream())
            .repository()
            .id();

    DesiredArtifacts desired = database.store.desired();

    List<String> all = hashes("host v1", "host v2", "shared");
    assertThat(desired.generation()).isEqualTo(3);
    assertThat(desired.artifacts()).isEqualTo(all.stream().sorted().toList());
    assertThat(desired.inServiceSleds()).containsExactly("sled-a", "sled-b");
    assertThat(desired.localRepositories())
        .containsExactlyInAnyOrder(
            new LocalRepository(first, hashes("host v1", "shared").stream().sorted().toList()),
            new LocalRepository(second, hashes("host v2", "shared").stream().sorted().toList()));
  }

  @Test
  void aLocalRepositoryListsOnlyTheArtifactsTheDepotStillHolds() throws Exception {
    String id =
        database.upload.upload(TestArchives.repository("first", FIRST).stream()).repository().id();
    Files.delete(database.depotDir.resolve(TestArchives.sha256("host v1")));

    DesiredArtifacts desired = database.store.desired();

    assertThat(desired.artifacts()).hasSize(2);
    assertThat(desired.localRepositories())
        .containsExactly(new LocalRepository(id, hashes("shared")));
  }

  @Test
  void freeingDeletesOnlyTheFilesNoOtherLocalRepositoryNeeds() {
    UploadOutcome first = database.upload.upload(TestArchives.repository("first", FIRST).stream());
    UploadOutcome second =
        database.upload.upload(TestArchives.repository("second", SECOND).stream());

    boolean freed = database.store.freeLocalCopies(first.repository().id(), second.generation());

    assertThat(freed).isTrue();
    assertThat(database.depotFiles())
        .containsExactlyInAnyOrderElementsOf(hashes("host v2", "shared"));
    assertThat(database.store.find(first.repository().id()).orElseThrow().localFreedAt())
        .isNotNull();
    assertThat(database.store.desired().localRepositories())
        .extracting(LocalRepository::repositoryId)
        .containsExactly(second.repository().id());
    assertThat(database.store.desired().artifacts()).hasSize(3);
    assertThat(database.store.freeLocalCopies(first.repository().id(), second.generation()))
        .as("a retried attempt")
        .isTrue();
  }

  @Test
  void freeingOnAnOlderGenerationFreesNothing() {
    UploadOutcome first = database.upload.upload(TestArchives.repository("first", FIRST).stream());
    database.upload.upload(TestArchives.repository("second", SECOND).stream());

    boolean freed = database.store.freeLocalCopies(first.repository().id(), first.generation());

    assertThat(freed).isFalse();
    assertThat(database.depotFiles()).hasSize(3);
    assertThat(database.store.find(first.repository().id()).orElseThrow().localFreedAt()).isNull();
    assertThat(database.store.freeLocalCopies("0".repeat(64), database.store.generation()))
        .isFalse();
  }

  @Test
  void deletingARepositoryBumpsTheGenerationAndRemovesWhatOnlyItNeeded() {
    UploadOutcome first = database.upload.upload(TestArchives.repository("first", FIRST).stream());
    UploadOutcome second =
        database.upload.upload(TestArchives.repository("second", SECOND).stream());

    long generation = database.store.delete(first.repository().id()).orElseThrow();

    assertThat(generation).isEqualTo(second.generation() + 1);
    assertThat(database.store.find(first.repository().id())).isEmpty();
    assertThat(database.count("artifact_repository_targets")).isEqualTo(2);
    assertThat(database.depotFiles())
        .containsExactlyInAnyOrderElementsOf(hashes("host v2", "shared"));
    assertThat(database.store.desired().artifacts())
        .containsExactlyInAnyOrderElementsOf(hashes("host v2", "shared"));
    assertThat(database.store.delete(first.repository().id())).isEmpty();
    assertThat(database.store.generation()).isEqualTo(generation);
  }

  @Test
  void aRepositoryDeletedAndUploadedAgainIsNewAndLocalAgain() {
    String id =
        database.upload.upload(TestArchives.repository("first", FIRST).stream()).repository().id();
    database.store.delete(id);

    UploadOutcome again = database.upload.upload(TestArchives.repository("first", FIRST).stream());

    assertThat(again.created()).isTrue();
    assertThat(again.repository().id()).isEqualTo(id);
    assertThat(database.depotFiles()).hasSize(2);
  }

  private UploadOutcome uploadAfter(CyclicBarrier start, Map<String, byte[]> targets, String name) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return database.upload.upload(TestArchives.repository(name, targets).stream());
  }

  private static List<String> hashes(String... contents) {
    return Arrays.stream(contents).map(TestArchives::sha256).toList();
  }
}

package io.drydock.activities.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader's rules on a small hand-made tree: what it refuses, what it skips, and how it reports
 * bad content.
 */
class LegacyStorageTest {
  private static final Digest MANIFEST =
      Digest.sha256Of("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

  @TempDir Path root;

  LegacyTreeFixture writer;
  LegacyStorage storage;

  @BeforeEach
  void writeTree() {
    writer = new LegacyTreeFixture(root);
    writer.putBlob("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
    writer.linkRevision("team/service", MANIFEST);
    writer.tag("team/service", "latest", MANIFEST);
    storage = new LegacyStorage(root);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "/abs",
        "a//b",
        "a\\b",
        "..",
        ".",
        "a/..",
        "a/../b",
        "./a",
        "a/",
        "/",
        "",
        "A/b",
        "a b",
        "a/_manifests",
        "team/service/../../../../etc"
      })
  void refusesRepositoryPathsThatCouldLeaveTheRoot(String repositoryPath) {
    List<ThrowingCallable> calls =
        List.of(
            () -> storage.repositoryExists(repositoryPath),
            () -> storage.tags(repositoryPath),
            () -> storage.tagTarget(repositoryPath, "latest"),
            () -> storage.forEachManifestRevision(repositoryPath, digest -> {}),
            () -> storage.hasManifestRevision(repositoryPath, MANIFEST),
            () -> storage.hasLayerLink(repositoryPath, MANIFEST));

    assertThat(calls)
        .allSatisfy(
            call ->
                assertThatThrownBy(call)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("repository path"));
  }

  @Test
  void refusesANullRepositoryPath() {
    assertThatThrownBy(() -> storage.tags(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc", "..", ".", ".hidden", "-x", "a/b", "a\\b", "", "with space"})
  void refusesTagsThatCouldLeaveTheRoot(String tag) {
    assertThatThrownBy(() -> storage.tagTarget("team/service", tag))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid tag");
  }

  @Test
  void acceptsTagsUpTo128Characters() {
    assertThat(storage.tagTarget("team/service", "_" + "x".repeat(127))).isEmpty();
    assertThatThrownBy(() -> storage.tagTarget("team/service", "x".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validatesLongHostilePathsQuickly() {
    String hostile = "a".repeat(120) + "-".repeat(120) + "!";
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> storage.repositoryExists(hostile))
                .isInstanceOf(IllegalArgumentException.class));
  }

  @Test
  void refusesARootWithoutTheRegistryTree() throws IOException {
    Path empty = Files.createDirectory(root.resolve("empty"));

    assertThatThrownBy(() -> new LegacyStorage(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contains docker/");
    assertThatThrownBy(() -> new LegacyStorage(root.resolve("docker/registry/v2")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsNestedRepositoriesAndSkipsWhatIsNotARepository() throws IOException {
    writer.linkRevision("team", MANIFEST);
    Path repositories = root.resolve("docker/registry/v2/repositories");
    Files.createDirectories(repositories.resolve("Upper/_manifests"));
    Files.createDirectories(repositories.resolve("team/service/_uploads/some-upload"));
    Path outside = Files.createDirectories(root.resolve("outside/_manifests")).getParent();
    Files.createSymbolicLink(repositories.resolve("linked"), outside);

    List<String> found = new ArrayList<>();
    storage.forEachRepository(found::add);

    assertThat(found).containsExactly("team", "team/service");
  }

  @Test
  void skipsRevisionEntriesThatAreNotRevisions() throws IOException {
    Path revisions =
        root.resolve("docker/registry/v2/repositories/team/service/_manifests/revisions/sha256");
    Files.createDirectories(revisions.resolve("not-a-digest"));
    Files.createDirectories(revisions.resolve(Digest.sha256Of(new byte[] {1}).hex()));

    List<Digest> found = new ArrayList<>();
    storage.forEachManifestRevision("team/service", found::add);

    assertThat(found).containsExactly(MANIFEST);
    assertThat(storage.hasManifestRevision("team/service", MANIFEST)).isTrue();
    assertThat(storage.hasManifestRevision("team/service", Digest.sha256Of(new byte[] {1})))
        .isFalse();
  }

  @Test
  void listsOnlyTagDirectoriesWithValidNames() throws IOException {
    Path tags = root.resolve("docker/registry/v2/repositories/team/service/_manifests/tags");
    Files.createDirectories(tags.resolve(".hidden"));
    Files.writeString(tags.resolve("stray-file"), "");
    writer.tag("team/service", "1.0", MANIFEST);

    assertThat(storage.tags("team/service")).containsExactly("1.0", "latest");
  }

  @Test
  void refusesLinksThatHoldNoDigest() throws IOException {
    Path link =
        root.resolve(
            "docker/registry/v2/repositories/team/service/_manifests/tags/latest/current/link");

    Files.writeString(link, MANIFEST + "\n");
    assertThatThrownBy(() -> storage.tagTarget("team/service", "latest"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(link.toString())
        .hasMessageContaining("does not hold a digest");

    Files.write(link, new byte[1 << 20]);
    assertThatThrownBy(() -> storage.tagTarget("team/service", "latest"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void rejectsNegativeSizeLimits() {
    assertThatThrownBy(() -> storage.readSmallBlob(MANIFEST, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

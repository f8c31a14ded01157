package io.drydock.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates the demo tree once and reads every part of it back through {@link LegacyStorage}. */
class LegacyDemoTreeTest {
  @TempDir static Path root;

  static LegacyStorage storage;

  @BeforeAll
  static void generate() {
    DemoLegacyStorage.generate(root);
    storage = new LegacyStorage(root);
  }

  @Test
  void findsExactlyTheDemoRepositoriesInAStableOrder() {
    List<String> found = new ArrayList<>();
    storage.forEachRepository(found::add);

    assertThat(found)
        .containsExactly("demo/alpine", "demo/debian", "demo/multiarch", "group/project/app")
        .containsExactlyInAnyOrderElementsOf(DemoLegacyStorage.DEMO_REPOSITORIES);
    assertThat(DemoLegacyStorage.DEMO_REPOSITORIES).allMatch(storage::repositoryExists);
    assertThat(List.of("demo", "group", "group/project", "demo/missing"))
        .noneMatch(storage::repositoryExists);
  }

  @Test
  void listsTagsSorted() {
    assertThat(storage.tags("demo/debian")).containsExactly("12", "latest");
    assertThat(storage.tags("demo/alpine")).containsExactly("3.20");
    assertThat(storage.tags("demo/multiarch")).containsExactly("latest");
    assertThat(storage.tags("group/project/app")).containsExactly("main", "v1", "v2");
  }

  @Test
  void tagsPointAtTheExpectedManifests() {
    assertThat(storage.tagTarget("demo/debian", "12"))
        .isPresent()
        .isEqualTo(storage.tagTarget("demo/debian", "latest"));
    assertThat(storage.tagTarget("group/project/app", "main"))
        .isEqualTo(storage.tagTarget("group/project/app", "v2"));
    assertThat(storage.tagTarget("group/project/app", "v1"))
        .isNotEqualTo(storage.tagTarget("group/project/app", "v2"));

    assertThat(mediaType("demo/debian", "latest")).isEqualTo(DemoLegacyStorage.DOCKER_MANIFEST);
    assertThat(mediaType("demo/alpine", "3.20")).isEqualTo(DemoLegacyStorage.OCI_MANIFEST);
    assertThat(mediaType("demo/multiarch", "latest")).isEqualTo(DemoLegacyStorage.OCI_INDEX);
    assertThat(mediaType("group/project/app", "v1")).isEqualTo(DemoLegacyStorage.DOCKER_MANIFEST);
  }

  @Test
  void absentThingsReadAsEmpty() {
    assertThat(storage.tagTarget("demo/debian", "13")).isEmpty();
    assertThat(storage.tags("demo/missing")).isEmpty();
    List<Digest> revisions = new ArrayList<>();
    storage.forEachManifestRevision("demo/missing", revisions::add);
    assertThat(revisions).isEmpty();
  }

  @Test
  void everyRevisionReferencesRealLinkedBlobs() {
    for (String repository : DemoLegacyStorage.DEMO_REPOSITORIES) {
      List<Digest> revisions = revisions(repository);
      assertThat(revisions).as(repository).isNotEmpty();
      for (Digest revision : revisions) {
        assertThat(storage.hasManifestRevision(repository, revision)).isTrue();
        assertBlobMatches(revision, storage.blobSize(revision));
        JsonNode manifest = TestBlobs.json(storage, revision);
        if (DemoLegacyStorage.OCI_INDEX.equals(manifest.path("mediaType").asText())) {
          assertIndex(repository, manifest);
        } else {
          assertImage(repository, manifest);
        }
      }
    }
  }

  @Test
  void multiarchIndexChildrenAreUntaggedRevisionsForBothPlatforms() {
    Digest index = storage.tagTarget("demo/multiarch", "latest").orElseThrow();
    JsonNode children = TestBlobs.json(storage, index).path("manifests");

    assertThat(children).hasSize(2);
    assertThat(children)
        .extracting(child -> child.path("platform").path("architecture").asText())
        .containsExactly("amd64", "arm64");
    assertThat(children)
        .extracting(child -> child.path("mediaType").asText())
        .containsOnly(DemoLegacyStorage.OCI_MANIFEST);
    Set<Digest> expected = new HashSet<>(Set.of(index));
    for (JsonNode child : children) {
      expected.add(Digest.parse(child.path("digest").asText()));
    }
    assertThat(revisions("demo/multiarch")).containsExactlyInAnyOrderElementsOf(expected);

    for (JsonNode child : children) {
      JsonNode manifest = TestBlobs.json(storage, Digest.parse(child.path("digest").asText()));
      String architecture = child.path("platform").path("architecture").asText();
      String apkArchitecture = architecture.equals("amd64") ? "x86_64" : "aarch64";
      String installed = layerFile(manifest, 0, "lib/apk/db/installed");
      assertThat(installed.lines().filter(line -> line.startsWith("A:")))
          .containsOnly("A:" + apkArchitecture);
    }
  }

  @Test
  void appHasOneUntaggedRevisionAndVersionsShareTheBaseLayer() {
    String repository = "group/project/app";
    Set<Digest> tagged = new HashSet<>();
    for (String tag : storage.tags(repository)) {
      tagged.add(storage.tagTarget(repository, tag).orElseThrow());
    }
    List<Digest> untagged = new ArrayList<>(revisions(repository));
    untagged.removeAll(tagged);

    assertThat(tagged).hasSize(2);
    assertThat(untagged).hasSize(1);
    JsonNode garbage = TestBlobs.json(storage, untagged.get(0));
    assertThat(
            config(garbage)
                .path("config")
                .path("Labels")
                .path("org.opencontainers.image.version")
                .asText())
        .isEqualTo("1.1.0-rc.1");
    // The tag history still records that main once pointed at the now untagged manifest.
    assertThat(
            registry()
                .resolve("repositories/group/project/app/_manifests/tags/main/index/sha256")
                .resolve(untagged.get(0).hex())
                .resolve("link"))
        .hasContent(untagged.get(0).toString());

    JsonNode v1 = manifest(repository, "v1");
    JsonNode v2 = manifest(repository, "v2");
    JsonNode debian = manifest("demo/debian", "latest");
    assertThat(layerDigest(v1, 0)).isEqualTo(layerDigest(v2, 0)).isEqualTo(layerDigest(debian, 0));
    assertThat(layerDigest(v1, 1)).isNotEqualTo(layerDigest(v2, 1));
    assertThat(layerFile(v1, 1, "opt/app/VERSION")).isEqualTo("1.0.0\n");
    assertThat(layerFile(v2, 1, "opt/app/VERSION")).isEqualTo("2.0.0\n");
    assertThat(storage.hasLayerLink("demo/debian", layerDigest(v1, 0))).isTrue();
    assertThat(storage.hasLayerLink("demo/alpine", layerDigest(v1, 0))).isFalse();
  }

  @Test
  void debianLayersHoldARealisticSystemAndAWhiteout() {
    JsonNode manifest = manifest("demo/debian", "latest");
    Map<String, TestBlobs.TarFile> base =
        TestBlobs.layer(storage, layerDigest(manifest, 0)).entries();
    Map<String, TestBlobs.TarFile> changes =
        TestBlobs.layer(storage, layerDigest(manifest, 1)).entries();

    assertThat(base).containsKeys("etc/", "etc/os-release", "etc/motd", "var/lib/dpkg/status");
    assertThat(base.get("etc/").directory()).isTrue();
    assertThat(base.get("etc/os-release").content())
        .contains(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
            "VERSION_ID=\"12\"\n",
            "VERSION_CODENAME=bookworm\n",
            "ID=debian\n",
            "HOME_URL=\"https://www.debian.org/\"\n");

    List<String> stanzas = Arrays.asList(base.get("var/lib/dpkg/status").content().split("\n\n"));
    assertThat(stanzas).hasSize(16);
    assertThat(stanzas).filteredOn(s -> s.contains("\nStatus: install ok installed\n")).hasSize(15);
    assertThat(stanzas)
        .filteredOn(s -> s.contains("\nStatus: deinstall ok config-files\n"))
        .hasSize(1);
    assertThat(stanzas)
        .allSatisfy(
            stanza ->
                assertThat(stanza)
                    .startsWith("Package: ")
                    .contains(
                        "\nVersion: ", "\nArchitecture: ", "\nMaintainer: ", "\nDescription: ")
                    .containsPattern("\nDescription: [^\n]+\n [^\n]+"));
    assertThat(stanzas)
        .anySatisfy(
            stanza ->
                assertThat(stanza)
                    .startsWith("Package: libc6\n")
                    .contains(
                        "\nSource: glibc\n", "\nMulti-Arch: same\n", "\nArchitecture: amd64\n"));

    assertThat(changes).containsKeys("usr/share/demo/hello.txt", "etc/.wh.motd");
    assertThat(changes.get("etc/.wh.motd").content()).isEmpty();
  }

  @Test
  void alpineLayerHoldsOsReleaseAndAnApkDatabase() {
    JsonNode manifest = manifest("demo/alpine", "3.20");
    assertThat(manifest.path("config").path("mediaType").asText())
        .isEqualTo(DemoLegacyStorage.OCI_CONFIG);
    assertThat(manifest.path("layers").get(0).path("mediaType").asText())
        .isEqualTo(DemoLegacyStorage.OCI_LAYER);

    assertThat(layerFile(manifest, 0, "etc/os-release"))
        .contains("ID=alpine\n", "VERSION_ID=3.20.3\n");
    String[] packages = layerFile(manifest, 0, "lib/apk/db/installed").split("\n\n");
    assertThat(packages).hasSizeGreaterThanOrEqualTo(6);
    assertThat(packages)
        .allSatisfy(
            p ->
                assertThat(p)
                    .startsWith("C:Q1")
                    .containsPattern("\nP:[a-z0-9.-]+\n")
                    .containsPattern("\nV:[0-9][^\n]*-r[0-9]+\n")
                    .contains("\nA:x86_64\n", "\no:", "\nT:", "\nL:"));
    assertThat(packages).anySatisfy(p -> assertThat(p).contains("\nP:musl\n", "\nV:1.2.5-r0\n"));
  }

  @Test
  void layersAreReproducible() throws IOException {
    JsonNode manifest = manifest("demo/debian", "latest");
    Digest layer = layerDigest(manifest, 0);
    assertThat(TestBlobs.layer(storage, layer).entries().values())
        .allSatisfy(
            entry -> {
              assertThat(entry.modified()).isEqualTo(DemoLayer.ENTRY_TIME);
              assertThat(entry.userId()).isZero();
              assertThat(entry.groupId()).isZero();
            });
    try (InputStream in = storage.openBlob(layer)) {
      byte[] header = in.readNBytes(10);
      assertThat(Arrays.copyOfRange(header, 0, 2)).containsExactly(0x1f, 0x8b);
      // Bytes 4 to 7 of a gzip header are its modification time.
      assertThat(Arrays.copyOfRange(header, 4, 8)).containsOnly(0);
    }
  }

  @Test
  void leavesNoTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .noneMatch(name -> name.contains(".tmp-"));
    }
  }

  @Test
  void readSmallBlobRefusesBlobsOverTheLimit() {
    Digest manifest = storage.tagTarget("demo/debian", "latest").orElseThrow();
    long size = storage.blobSize(manifest);

    assertThat(storage.readSmallBlob(manifest, (int) size)).hasSize((int) size);
    assertThatThrownBy(() -> storage.readSmallBlob(manifest, (int) size - 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("larger than the limit of " + (size - 1));
  }

  @Test
  void missingBlobsFailWithTheirPath() {
    Digest absent = Digest.sha256Of("not stored".getBytes());
    String path = "blobs/sha256/" + absent.hex().substring(0, 2) + "/" + absent.hex() + "/data";

    assertThat(storage.blobExists(absent)).isFalse();
    assertThatThrownBy(() -> storage.blobSize(absent))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(path);
    assertThatThrownBy(() -> storage.openBlob(absent))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(path);
    assertThatThrownBy(() -> storage.readSmallBlob(absent, 100))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(path);
  }

  private void assertImage(String repository, JsonNode manifest) {
    JsonNode config = manifest.path("config");
    Digest configDigest = assertReferencedBlob(repository, config);
    JsonNode image = TestBlobs.json(storage, configDigest);
    JsonNode layers = manifest.path("layers");
    JsonNode diffIds = image.path("rootfs").path("diff_ids");

    assertThat(image.path("os").asText()).isEqualTo("linux");
    assertThat(image.path("rootfs").path("type").asText()).isEqualTo("layers");
    assertThat(diffIds).hasSameSizeAs(layers);
    List<JsonNode> layerHistory = new ArrayList<>();
    image
        .path("history")
        .forEach(
            step -> {
              if (!step.path("empty_layer").asBoolean()) {
                layerHistory.add(step);
              }
            });
    assertThat(layerHistory).hasSameSizeAs(layers);
    for (int i = 0; i < layers.size(); i++) {
      Digest layer = assertReferencedBlob(repository, layers.get(i));
      assertThat(TestBlobs.layer(storage, layer).diffId().toString())
          .isEqualTo(diffIds.get(i).asText());
    }
  }

  private void assertIndex(String repository, JsonNode index) {
    for (JsonNode child : index.path("manifests")) {
      Digest digest = Digest.parse(child.path("digest").asText());
      assertThat(storage.hasManifestRevision(repository, digest)).isTrue();
      assertBlobMatches(digest, child.path("size").asLong());
      JsonNode manifest = TestBlobs.json(storage, digest);
      assertThat(manifest.path("mediaType").asText()).isEqualTo(child.path("mediaType").asText());
      assertThat(config(manifest).path("architecture").asText())
          .isEqualTo(child.path("platform").path("architecture").asText());
    }
  }

  private Digest assertReferencedBlob(String repository, JsonNode descriptor) {
    Digest digest = Digest.parse(descriptor.path("digest").asText());
    assertThat(storage.hasLayerLink(repository, digest))
        .as("%s links %s", repository, digest)
        .isTrue();
    assertBlobMatches(digest, descriptor.path("size").asLong());
    return digest;
  }

  private void assertBlobMatches(Digest digest, long size) {
    assertThat(storage.blobExists(digest)).isTrue();
    assertThat(storage.blobSize(digest)).isEqualTo(size);
    assertThat(TestBlobs.sha256(storage.openBlob(digest))).isEqualTo(digest);
  }

  private String mediaType(String repository, String tag) {
    return manifest(repository, tag).path("mediaType").asText();
  }

  private JsonNode manifest(String repository, String tag) {
    Optional<Digest> target = storage.tagTarget(repository, tag);
    assertThat(target).as("%s:%s", repository, tag).isPresent();
    return TestBlobs.json(storage, target.orElseThrow());
  }

  private JsonNode config(JsonNode manifest) {
    return TestBlobs.json(storage, Digest.parse(manifest.path("config").path("digest").asText()));
  }

  private Digest layerDigest(JsonNode manifest, int index) {
    return Digest.parse(manifest.path("layers").get(index).path("digest").asText());
  }

  private String layerFile(JsonNode manifest, int layer, String path) {
    TestBlobs.TarFile file =
        TestBlobs.layer(storage, layerDigest(manifest, layer)).entries().get(path);
    assertThat(file).as(path).isNotNull();
    return file.content();
  }

  private static List<Digest> revisions(String repository) {
    List<Digest> revisions = new ArrayList<>();
    storage.forEachManifestRevision(repository, revisions::add);
    return revisions;
  }

  private static Path registry() {
    return root.resolve("docker/registry/v2");
  }
}

package io.drydock.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacySyntheticTreeTest {
  @TempDir Path root;

  @Test
  void writesTheRequestedManifestsAndTags() {
    DemoLegacyStorage.generateSynthetic(root, "bench/big", 2000, 10);
    LegacyStorage storage = new LegacyStorage(root);

    List<String> repositories = new ArrayList<>();
    storage.forEachRepository(repositories::add);
    assertThat(repositories).containsExactly("bench/big");

    AtomicInteger revisions = new AtomicInteger();
    storage.forEachManifestRevision("bench/big", digest -> revisions.incrementAndGet());
    assertThat(revisions).hasValue(2000);

    List<String> tags = storage.tags("bench/big");
    assertThat(tags).hasSize(200).contains("t0", "t10", "t1990").doesNotContain("t1", "t2000");
    Set<Digest> configs = new HashSet<>();
    for (String tag : tags) {
      Digest manifest = storage.tagTarget("bench/big", tag).orElseThrow();
      assertThat(storage.hasManifestRevision("bench/big", manifest)).isTrue();
      JsonNode json = TestBlobs.json(storage, manifest);
      assertThat(json.path("mediaType").asText()).isEqualTo(DemoLegacyStorage.DOCKER_MANIFEST);
      Digest config = Digest.parse(json.path("config").path("digest").asText());
      Digest layer = Digest.parse(json.path("layers").get(0).path("digest").asText());
      assertThat(storage.hasLayerLink("bench/big", config)).isTrue();
      assertThat(storage.hasLayerLink("bench/big", layer)).isTrue();
      assertThat(storage.blobSize(config)).isEqualTo(json.path("config").path("size").asLong());
      assertThat(TestBlobs.json(storage, config).path("rootfs").path("diff_ids").get(0).asText())
          .isEqualTo(TestBlobs.layer(storage, layer).diffId().toString());
      configs.add(config);
    }
    assertThat(configs).hasSize(200);
  }

  @Test
  void manyTagsPointAtTheManifestsInTurn() {
    DemoLegacyStorage.generateSyntheticTags(root, "bench/huge", 7, 50);
    LegacyStorage storage = new LegacyStorage(root);

    AtomicInteger revisions = new AtomicInteger();
    storage.forEachManifestRevision("bench/huge", digest -> revisions.incrementAndGet());
    assertThat(revisions).hasValue(7);
    List<String> tags = storage.tags("bench/huge");
    assertThat(tags).hasSize(50);
    Set<Digest> targets = new HashSet<>();
    for (String tag : tags) {
      targets.add(storage.tagTarget("bench/huge", tag).orElseThrow());
    }
    assertThat(targets).hasSize(7);
    assertThat(storage.tagTarget("bench/huge", "t44"))
        .isEqualTo(storage.tagTarget("bench/huge", "t2"));
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> DemoLegacyStorage.generateSynthetic(root, "bench/big", -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DemoLegacyStorage.generateSynthetic(root, "bench/big", 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DemoLegacyStorage.generateSynthetic(root, "../escape", 10, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

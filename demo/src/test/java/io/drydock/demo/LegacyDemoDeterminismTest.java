package io.drydock.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.legacy.Digest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyDemoDeterminismTest {
  @Test
  void generatingTwiceGivesTheSameBytes(@TempDir Path first, @TempDir Path second)
      throws InterruptedException {
    DemoLegacyStorage.generate(first);
    // Past a second boundary, so that a wall-clock time leaking into tar or gzip headers would
    // change the digests.
    Thread.sleep(1100);
    DemoLegacyStorage.generate(second);

    Map<String, Digest> files = TestBlobs.fileDigests(first);
    assertThat(files).isNotEmpty().isEqualTo(TestBlobs.fileDigests(second));
  }

  @Test
  void generatingOverAnExistingTreeChangesNothing(@TempDir Path root) {
    DemoLegacyStorage.generate(root);
    Map<String, Digest> before = TestBlobs.fileDigests(root);

    DemoLegacyStorage.generate(root);

    assertThat(TestBlobs.fileDigests(root)).isEqualTo(before);
  }
}

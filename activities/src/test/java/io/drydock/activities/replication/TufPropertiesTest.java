package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An empty {@code DRYDOCK_TUF_TRUSTED_ROOT} names no root, so uploads stay refused rather than
 * failing start-up.
 */
class TufPropertiesTest {
  @Test
  void blankEntriesNameNoRoot() {
    assertThat(new TufProperties("", false).trustedRootFiles()).isEmpty();
    assertThat(new TufProperties(null, false).trustedRootFiles()).isEmpty();
    assertThat(new TufProperties(" a/root.json, ,b/root.json ", false).trustedRootFiles())
        .containsExactly(Path.of("a/root.json"), Path.of("b/root.json"));
  }
}

package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A receiver URL without a secret stops the process at start, as GitLab's registry does ({@code
 * NewNotifier} in donch/container-registry {@code registry/internal/migration/notifier.go} at
 * 9827815f408c19bc8b2e6e2106ad58a05b55d255).
 */
class NotificationPropertiesTest {
  private static final Duration DAY = Duration.ofDays(1);

  @Test
  void aReceiverWithoutASecretIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> new NotificationProperties("http://rails/{path}", " ", DAY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DRYDOCK_NOTIFICATION_SECRET");
  }

  @Test
  void noReceiverNeedsNoSecret() {
    assertThat(new NotificationProperties(" ", null, DAY).enabled()).isFalse();
    assertThat(new NotificationProperties("http://rails/{path}", "s3cret", DAY).enabled()).isTrue();
  }
}

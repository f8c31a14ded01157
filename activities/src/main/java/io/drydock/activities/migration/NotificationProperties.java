package io.drydock.activities.migration;

import io.drydock.activities.config.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where run endings are sent and with which secret, {@code drydock.notification.*}
 * (docs/configuration.md). Bound at start by the API and the worker alike, so a receiver without a
 * secret stops both before either takes work, as GitLab's registry refuses to start its import
 * notifier without one ({@code NewNotifier} in donch/container-registry {@code
 * registry/internal/migration/notifier.go} at 9827815f408c19bc8b2e6e2106ad58a05b55d255 returns
 * {@code errMissingAPISecret}).
 *
 * @param url the receiver's URL with {@code {path}} where the repository path goes; blank turns
 *     notifications off ({@code DRYDOCK_NOTIFICATION_URL})
 * @param secret sent as the raw {@code Authorization} header of notifications, required with a URL
 *     ({@code DRYDOCK_NOTIFICATION_SECRET})
 * @param giveUpAfter how long a notification is retried before it is recorded as abandoned ({@code
 *     DRYDOCK_NOTIFICATION_GIVE_UP_AFTER})
 */
@ConfigurationProperties("drydock.notification")
public record NotificationProperties(String url, String secret, Duration giveUpAfter) {
  public NotificationProperties {
    url = url == null ? "" : url.strip();
    secret = secret == null ? "" : secret;
    if (!url.isEmpty() && secret.isBlank()) {
      throw new IllegalStateException(
          "DRYDOCK_NOTIFICATION_URL is set but DRYDOCK_NOTIFICATION_SECRET is not: set DRYDOCK_NOTIFICATION_SECRET to"
              + " the secret the receiver expects in Authorization (GitLab: registry.notification_secret)");
    }
    Settings.requirePositive("DRYDOCK_NOTIFICATION_GIVE_UP_AFTER", giveUpAfter);
  }

  boolean enabled() {
    return !url.isEmpty();
  }
}

package io.drydock.activities.migration;

import java.time.Duration;

/**
 * Where run endings are sent and with which secret. Built at start by the API and the worker alike, so a receiver
 * without a secret stops both before either takes work, as GitLab's registry refuses to start its import notifier
 * without one ({@code NewNotifier} in donch/container-registry {@code registry/internal/migration/notifier.go} at
 * 9827815f408c19bc8b2e6e2106ad58a05b55d255 returns {@code errMissingAPISecret}).
 *
 * @param urlTemplate the receiver's URL with {@code {path}} where the repository path goes; empty turns
 *     notifications off
 */
public record NotificationSettings(String urlTemplate, String secret, Duration giveUpAfter) {
  public NotificationSettings {
    urlTemplate = urlTemplate == null ? "" : urlTemplate.strip();
    secret = secret == null ? "" : secret;
    if (!urlTemplate.isEmpty() && secret.isBlank()) {
      throw new IllegalStateException(
          "DRYDOCK_NOTIFICATION_URL is set but DRYDOCK_NOTIFICATION_SECRET is not: set DRYDOCK_NOTIFICATION_SECRET to"
              + " the secret the receiver expects in Authorization (GitLab: registry.notification_secret)");
    }
  }

  boolean enabled() {
    return !urlTemplate.isEmpty();
  }
}

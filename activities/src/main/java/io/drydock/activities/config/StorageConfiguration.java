package io.drydock.activities.config;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.NotificationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * The registry database and the legacy storage, shared by the worker and the API. Both import this configuration, so
 * a process hosting both (the quick start) still gets one of each.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:drydock-defaults.properties")
public class StorageConfiguration {
  /** Built by every process, so a receiver URL without a secret stops the API and the worker alike at start. */
  @Bean
  NotificationSettings notificationSettings(
      @Value("${drydock.notification.url}") String url,
      @Value("${drydock.notification.secret}") String secret,
      @Value("${drydock.notification.give-up-after}") Duration giveUpAfter) {
    return new NotificationSettings(url, secret, giveUpAfter);
  }

  @Bean
  LegacyStorage legacyStorage(@Value("${drydock.legacy-storage-root}") String root) {
    if (root.isBlank()) {
      throw new IllegalStateException(
          "DRYDOCK_LEGACY_STORAGE_ROOT is not set: point it at the directory that contains docker/registry/v2");
    }
    Path path = Path.of(root);
    if (!Files.isDirectory(path.resolve("docker/registry/v2"))) {
      throw new IllegalStateException(
          "DRYDOCK_LEGACY_STORAGE_ROOT=" + root + " has no docker/registry/v2 directory; it must name the directory"
              + " that contains docker/");
    }
    return new LegacyStorage(path);
  }
}

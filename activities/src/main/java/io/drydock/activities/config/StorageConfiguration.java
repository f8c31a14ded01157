package io.drydock.activities.config;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.NotificationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * The registry database and the legacy storage, shared by the worker and the API. Both import this
 * configuration, so a process hosting both (the quick start) still gets one of each. The
 * notification settings are bound here, by every process, so that a receiver URL without a secret
 * stops the API and the worker alike at start.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:drydock-defaults.properties")
@EnableConfigurationProperties({LegacyStorageProperties.class, NotificationProperties.class})
public class StorageConfiguration {
  @Bean
  LegacyStorage legacyStorage(LegacyStorageProperties legacy) {
    return new LegacyStorage(legacy.root());
  }
}

package io.drydock.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.drydock.activities.migration.MigrationProperties;
import io.drydock.activities.migration.NotificationProperties;
import io.drydock.activities.replication.ReplicationProperties;
import io.drydock.activities.scan.ScanProperties;
import io.drydock.workflows.replication.ReplicationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * The typed settings bind from drydock-defaults.properties as shipped, and a wrong value stops the
 * process with a message naming the environment variable an operator sets.
 */
class TypedSettingsTest {
  private static final Pattern DEFAULT = Pattern.compile("\\$\\{[A-Z0-9_]+:(.*)}");

  @Test
  void theShippedDefaultsBind() throws IOException {
    Map<String, String> defaults = shippedDefaults();

    ScanProperties scan = bind(defaults, ScanProperties.class);
    MigrationProperties migration = bind(defaults, MigrationProperties.class);

    assertThat(scan)
        .isEqualTo(new ScanProperties(Duration.ofSeconds(60), 8, Duration.ofSeconds(5), 2, 2));
    assertThat(migration)
        .isEqualTo(new MigrationProperties(200, 0, Duration.ofSeconds(5), Duration.ofHours(1)));
    assertThat(bind(defaults, NotificationProperties.class))
        .isEqualTo(new NotificationProperties("", "", Duration.ofHours(24)));
    ReplicationProperties replication = bind(defaults, ReplicationProperties.class);
    assertThat(replication.workflowSettings()).isEqualTo(ReplicationSettings.defaults());
    assertThat(replication.sleds()).isEmpty();
    assertThat(replication.maxUploadBytes()).isEqualTo(DataSize.ofGigabytes(2));
    assertThat(replication.maxUploadEntries()).isEqualTo(10_000);
    assertThat(
            List.of(
                replication.sledRequestTimeout(),
                replication.copyTimeout(),
                replication.inventoryTimeout()))
        .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(5));
  }

  /**
   * Each case: one setting of the shipped defaults given a wrong value, the record bound, the
   * message expected.
   */
  static Stream<Arguments> wrongValues() {
    return Stream.of(
        arguments(
            "drydock.scan.max-concurrent-activities",
            "0",
            ScanProperties.class,
            "DRYDOCK_SCAN_MAX_CONCURRENT_ACTIVITIES must be at least 1, was 0"),
        arguments(
            "drydock.scan.bulk-concurrency",
            "65",
            ScanProperties.class,
            "DRYDOCK_SCAN_BULK_CONCURRENCY must be from 1 to 64, was 65"),
        arguments(
            "drydock.migration.cancel-grace-deadline",
            "-5s",
            MigrationProperties.class,
            "DRYDOCK_CANCEL_GRACE_DEADLINE must be a duration of 0 or more (5s, 1m, ...), was PT-5S"),
        arguments(
            "drydock.notification.url",
            "http://rails/{path}",
            NotificationProperties.class,
            "DRYDOCK_NOTIFICATION_URL is set but DRYDOCK_NOTIFICATION_SECRET is not"),
        arguments(
            "drydock.notification.give-up-after",
            "0s",
            NotificationProperties.class,
            "DRYDOCK_NOTIFICATION_GIVE_UP_AFTER must be a positive duration (5s, 1m, ...), was PT0S"),
        arguments(
            "drydock.legacy-storage-root",
            " ",
            LegacyStorageProperties.class,
            "DRYDOCK_LEGACY_STORAGE_ROOT is not set"),
        arguments(
            "drydock.legacy-storage-root",
            "/nonexistent",
            LegacyStorageProperties.class,
            "DRYDOCK_LEGACY_STORAGE_ROOT=/nonexistent has no docker/registry/v2 directory"),
        arguments(
            "drydock.replication.sled-request-timeout",
            "0s",
            ReplicationProperties.class,
            "DRYDOCK_SLED_REQUEST_TIMEOUT must be a positive duration (5s, 1m, ...), was PT0S"),
        arguments(
            "drydock.replication.max-upload-bytes",
            "0",
            ReplicationProperties.class,
            "DRYDOCK_MAX_UPLOAD_BYTES must be a positive size (2GB, 512MB, ...), was 0B"),
        arguments(
            "drydock.replication.max-upload-entries",
            "0",
            ReplicationProperties.class,
            "DRYDOCK_MAX_UPLOAD_ENTRIES must be at least 1, was 0"),
        arguments(
            "drydock.replication.copy-timeout",
            "-1s",
            ReplicationProperties.class,
            "DRYDOCK_REPLICATION_COPY_TIMEOUT must be a positive duration (5s, 1m, ...), was PT-1S"),
        arguments(
            "drydock.replication.activation-period",
            "500ms",
            ReplicationProperties.class,
            "DRYDOCK_REPLICATION_ACTIVATION_PERIOD must be a duration of at least 1s, was PT0.5S"),
        arguments(
            "drydock.replication.min-sled-replication",
            "0",
            ReplicationProperties.class,
            "DRYDOCK_MIN_SLED_REPLICATION must be at least 1, was 0"),
        arguments(
            "drydock.replication.max-requests-in-flight",
            "0",
            ReplicationProperties.class,
            "DRYDOCK_REPLICATION_MAX_REQUESTS_IN_FLIGHT must be at least 1, was 0"),
        arguments(
            "drydock.replication.inventory-timeout",
            "0s",
            ReplicationProperties.class,
            "DRYDOCK_SLED_INVENTORY_TIMEOUT must be a positive duration (5s, 1m, ...), was PT0S"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("wrongValues")
  void aWrongValueNamesItsEnvironmentVariable(
      String setting, String value, Class<?> type, String message) throws IOException {
    Map<String, String> settings = shippedDefaults();
    settings.put(setting, value);

    assertThatThrownBy(() -> bind(settings, type)).rootCause().hasMessageStartingWith(message);
  }

  @Test
  void aLegacyStorageRootHoldingTheRegistryTreeBinds(@TempDir Path root) throws IOException {
    Map<String, String> settings = shippedDefaults();
    settings.put("drydock.legacy-storage-root", root.toString());
    Files.createDirectories(root.resolve("docker/registry/v2"));

    assertThat(bind(settings, LegacyStorageProperties.class).root()).isEqualTo(root);
  }

  /**
   * Binds {@code type} from its {@code @ConfigurationProperties} prefix, as the process does at
   * start.
   */
  private static <T> T bind(Map<String, String> settings, Class<T> type) {
    String prefix = type.getAnnotation(ConfigurationProperties.class).value();
    return new Binder(new MapConfigurationPropertySource(settings)).bind(prefix, type).get();
  }

  /**
   * drydock-defaults.properties with each placeholder replaced by its default, as a process without
   * them sees it.
   */
  private static Map<String, String> shippedDefaults() throws IOException {
    Properties properties = new Properties();
    try (InputStream in =
        TypedSettingsTest.class.getResourceAsStream("/drydock-defaults.properties")) {
      properties.load(in);
    }
    Map<String, String> defaults = new HashMap<>();
    properties.forEach(
        (name, value) -> {
          Matcher placeholder = DEFAULT.matcher((String) value);
          defaults.put(
              (String) name, placeholder.matches() ? placeholder.group(1) : (String) value);
        });
    return defaults;
  }
}

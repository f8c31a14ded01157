package io.drydock.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.migration.MigrationProperties;
import io.drydock.activities.scan.ScanProperties;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The typed settings bind from drydock-defaults.properties as shipped, and a wrong value stops the process with a
 * message naming the environment variable an operator sets.
 */
class TypedSettingsTest {
  private static final Pattern DEFAULT = Pattern.compile("\\$\\{[A-Z0-9_]+:(.*)}");

  @Test
  void theShippedDefaultsBind() throws IOException {
    Map<String, String> defaults = shippedDefaults();

    ScanProperties scan = bind(defaults, "drydock.scan", ScanProperties.class);
    MigrationProperties migration = bind(defaults, "drydock.migration", MigrationProperties.class);

    assertThat(scan).isEqualTo(new ScanProperties(Duration.ofSeconds(60), 8, Duration.ofSeconds(5), 2, 2));
    assertThat(migration)
        .isEqualTo(new MigrationProperties(200, 0, Duration.ofSeconds(5), Duration.ofHours(1)));
  }

  @Test
  void aWrongValueNamesItsEnvironmentVariable() throws IOException {
    Map<String, String> settings = shippedDefaults();
    settings.put("drydock.scan.max-concurrent-activities", "0");
    assertThatThrownBy(() -> bind(settings, "drydock.scan", ScanProperties.class))
        .rootCause()
        .hasMessage("DRYDOCK_SCAN_MAX_CONCURRENT_ACTIVITIES must be at least 1, was 0");

    settings.put("drydock.scan.max-concurrent-activities", "2");
    settings.put("drydock.scan.bulk-concurrency", "65");
    assertThatThrownBy(() -> bind(settings, "drydock.scan", ScanProperties.class))
        .rootCause()
        .hasMessage("DRYDOCK_SCAN_BULK_CONCURRENCY must be from 1 to 64, was 65");

    settings.put("drydock.migration.cancel-grace-deadline", "-5s");
    assertThatThrownBy(() -> bind(settings, "drydock.migration", MigrationProperties.class))
        .rootCause()
        .hasMessage("DRYDOCK_CANCEL_GRACE_DEADLINE must be a duration of 0 or more (5s, 1m, ...), was PT-5S");
  }

  private static <T> T bind(Map<String, String> settings, String prefix, Class<T> type) {
    return new Binder(new MapConfigurationPropertySource(settings)).bind(prefix, type).get();
  }

  /** drydock-defaults.properties with each placeholder replaced by its default, as a process without them sees it. */
  private static Map<String, String> shippedDefaults() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = TypedSettingsTest.class.getResourceAsStream("/drydock-defaults.properties")) {
      properties.load(in);
    }
    Map<String, String> defaults = new HashMap<>();
    properties.forEach(
        (name, value) -> {
          Matcher placeholder = DEFAULT.matcher((String) value);
          defaults.put((String) name, placeholder.matches() ? placeholder.group(1) : (String) value);
        });
    return defaults;
  }
}

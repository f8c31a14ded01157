package io.drydock.api.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The workflow start timeout binds as an operator writes it, and one of 0 stops the API naming the
 * variable.
 */
class TemporalStartPropertiesTest {
  @Test
  void aPositiveTimeoutBinds() {
    assertThat(bind("250ms").startTimeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aTimeoutOfZeroNamesItsEnvironmentVariable() {
    assertThatThrownBy(() -> bind("0s"))
        .rootCause()
        .hasMessage(
            "DRYDOCK_TEMPORAL_START_TIMEOUT must be a positive duration (5s, 1m, ...), was PT0S");
  }

  private static TemporalStartProperties bind(String startTimeout) {
    return new Binder(
            new MapConfigurationPropertySource(
                Map.of("drydock.temporal.start-timeout", startTimeout)))
        .bind("drydock.temporal", TemporalStartProperties.class)
        .get();
  }
}

package io.drydock.api.migration;

import io.drydock.activities.config.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long the API waits for the Temporal server to start an import's workflow, {@code
 * drydock.temporal.*} (docs/configuration.md), checked when the process starts: a wrong value stops
 * it with a message naming the environment variable.
 *
 * @param startTimeout how long {@code PUT /gitlab/v1/import/...} waits for the workflow to start
 *     before it undoes the claim and answers 503 {@code UNAVAILABLE} ({@code
 *     DRYDOCK_TEMPORAL_START_TIMEOUT})
 */
@ConfigurationProperties("drydock.temporal")
record TemporalStartProperties(Duration startTimeout) {
  TemporalStartProperties {
    Settings.requirePositive("DRYDOCK_TEMPORAL_START_TIMEOUT", startTimeout);
  }
}

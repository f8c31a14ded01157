package io.drydock.activities.migration;

import io.drydock.activities.config.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The import settings, {@code drydock.migration.*} (docs/configuration.md), checked when the
 * process starts: a wrong value stops it with a message naming the environment variable.
 *
 * @param batchSize manifests a pre-import writes per transaction ({@code
 *     DRYDOCK_IMPORT_BATCH_SIZE})
 * @param maxConcurrentImports imports in progress at once across all API replicas, 0 for no limit
 *     ({@code DRYDOCK_MAX_CONCURRENT_IMPORTS})
 * @param cancelGraceDeadline how long a canceled run that has not stopped keeps new imports of its
 *     repository out ({@code DRYDOCK_CANCEL_GRACE_DEADLINE})
 * @param waitForOperatorAfterFailure how long a failed run waits for an operator's {@code retry} or
 *     {@code cancel} ({@code DRYDOCK_WAIT_FOR_OPERATOR_AFTER_FAILURE})
 */
@ConfigurationProperties("drydock.migration")
public record MigrationProperties(
    int batchSize,
    int maxConcurrentImports,
    Duration cancelGraceDeadline,
    Duration waitForOperatorAfterFailure) {
  public MigrationProperties {
    Settings.requireBetween("DRYDOCK_IMPORT_BATCH_SIZE", batchSize, 1, 10_000);
    Settings.requireBetween(
        "DRYDOCK_MAX_CONCURRENT_IMPORTS", maxConcurrentImports, 0, Integer.MAX_VALUE);
    Settings.requireNotNegative("DRYDOCK_CANCEL_GRACE_DEADLINE", cancelGraceDeadline);
    Settings.requireNotNegative(
        "DRYDOCK_WAIT_FOR_OPERATOR_AFTER_FAILURE", waitForOperatorAfterFailure);
  }

  /** The limits a claim is made under. */
  public ClaimLimits claimLimits() {
    return new ClaimLimits(maxConcurrentImports, cancelGraceDeadline);
  }
}

package io.drydock.activities.migration;

import java.time.Duration;

/**
 * Limits a claim enforces.
 *
 * @param maxConcurrentImports imports in progress allowed at once across all replicas; 0 for no
 *     limit
 * @param cancelGrace how long a canceled run that has not closed keeps a new import out
 */
public record ClaimLimits(int maxConcurrentImports, Duration cancelGrace) {
  public ClaimLimits {
    if (maxConcurrentImports < 0) {
      throw new IllegalArgumentException(
          "maxConcurrentImports must not be negative: " + maxConcurrentImports);
    }
    if (cancelGrace.isNegative()) {
      throw new IllegalArgumentException("cancelGrace must not be negative: " + cancelGrace);
    }
  }
}

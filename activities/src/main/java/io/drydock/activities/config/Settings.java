package io.drydock.activities.config;

import java.time.Duration;

/**
 * Checks of the typed settings, whose messages name the environment variable an operator sets: Spring Boot reports
 * the exception of a record's constructor when it cannot bind it, and the process stops.
 */
public final class Settings {
  private Settings() {}

  public static void requireBetween(String variable, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          variable + " must be " + (max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max)
              + ", was " + value);
    }
  }

  public static void requirePositive(String variable, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(variable + " must be a positive duration (5s, 1m, ...), was " + value);
    }
  }

  public static void requireNotNegative(String variable, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(variable + " must be a duration of 0 or more (5s, 1m, ...), was " + value);
    }
  }
}

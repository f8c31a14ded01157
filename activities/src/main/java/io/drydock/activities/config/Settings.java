package io.drydock.activities.config;

import java.time.Duration;
import java.util.Locale;
import org.springframework.util.unit.DataSize;

/**
 * Checks of the typed settings, whose messages name the environment variable an operator sets:
 * Spring Boot reports the exception of a record's constructor when it cannot bind it, and the
 * process stops.
 */
public final class Settings {
  private Settings() {}

  public static void requireBetween(String variable, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          variable
              + " must be "
              + (max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max)
              + ", was "
              + value);
    }
  }

  public static void requirePositive(String variable, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          variable + " must be a positive duration (5s, 1m, ...), was " + value);
    }
  }

  public static void requireNotNegative(String variable, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(
          variable + " must be a duration of 0 or more (5s, 1m, ...), was " + value);
    }
  }

  /** {@code min} is written as an operator writes it: {@code PT1S} is {@code 1s}. */
  public static void requireAtLeast(String variable, Duration value, Duration min) {
    if (value == null || value.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          variable
              + " must be a duration of at least "
              + min.toString().substring(2).toLowerCase(Locale.ROOT)
              + ", was "
              + value);
    }
  }

  public static void requirePositive(String variable, DataSize value) {
    if (value == null || value.toBytes() <= 0) {
      throw new IllegalArgumentException(
          variable + " must be a positive size (2GB, 512MB, ...), was " + value);
    }
  }
}

package io.drydock.activities.migration;

/**
 * The legacy storage holds something that cannot be imported as it is; retrying will not change it.
 */
final class InvalidLegacyDataException extends RuntimeException {
  InvalidLegacyDataException(String message) {
    super(message);
  }
}

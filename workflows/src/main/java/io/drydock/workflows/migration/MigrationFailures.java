package io.drydock.workflows.migration;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;

/** Failure types the migration activities raise, and how a failure reads in a repository's error text. */
public final class MigrationFailures {
  /** The repository no longer carries the run's owner token: the run was superseded and must stop. */
  public static final String FENCED_OUT = "FencedOut";

  /** The legacy storage holds something that cannot be imported as it is; retrying will not change it. */
  public static final String INVALID_LEGACY_DATA = "InvalidLegacyData";

  private MigrationFailures() {}

  static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "activity timed out (" + timeout.getTimeoutType().name().toLowerCase().replace("timeout_type_", "") + ")";
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }
}

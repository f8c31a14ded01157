package io.drydock.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;

/** How an activity's failure reads in the error text a workflow stores for users. */
public final class ActivityFailures {
  private ActivityFailures() {}

  public static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "activity timed out ("
          + timeout.getTimeoutType().name().toLowerCase().replace("timeout_type_", "")
          + ")";
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  /** Whether the activity failed with the non-retryable application failure {@code type}. */
  public static boolean isType(ActivityFailure failure, String type) {
    return failure.getCause() instanceof ApplicationFailure application
        && type.equals(application.getType());
  }
}

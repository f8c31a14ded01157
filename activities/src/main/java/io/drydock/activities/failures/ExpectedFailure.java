package io.drydock.activities.failures;

import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;

/**
 * A failure that is an answer, not a fault: a run fenced out by a newer one, a rescan whose report
 * was deleted, a digest the registry does not hold. The workflow handles each by its type. Such
 * failures are logged as one line here and marked {@link ApplicationErrorCategory#BENIGN}, which
 * makes the SDK log them at DEBUG without a stack trace and leave them out of its failure metrics;
 * with hundreds of rescans, one stack trace each buried the real faults.
 */
public final class ExpectedFailure {
  private ExpectedFailure() {}

  /**
   * Logs {@code message} at INFO and returns the non-retryable, benign failure of {@code type} to
   * throw.
   */
  public static ApplicationFailure of(Logger log, String type, String message) {
    log.info("{}: {}", type, message);
    return ApplicationFailure.newBuilder()
        .setType(type)
        .setMessage(message)
        .setNonRetryable(true)
        .setCategory(ApplicationErrorCategory.BENIGN)
        .build();
  }
}

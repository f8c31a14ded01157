package io.drydock.workflows.migration;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Tells the caller (GitLab Rails) how a run ended, from the outbox row its status write left. */
@ActivityInterface
public interface CallerNotifications {
  /**
   * Delivers the run's notification, unless it was delivered already, the run was superseded since,
   * or it could not be delivered within the configured time. Fails (and is retried) while the
   * receiver does not answer 200.
   */
  @ActivityMethod
  void notifyCaller(ImportRequest request);
}

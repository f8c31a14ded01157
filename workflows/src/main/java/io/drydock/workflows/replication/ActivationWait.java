package io.drydock.workflows.replication;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The replication workflow's wait between activations: the period, or a back-off after activations
 * that stopped early.
 */
final class ActivationWait {
  /**
   * After a stale view the activation is retried soon, doubling the wait up to the period while it
   * stays stale.
   */
  static final Duration FIRST_RETRY_AFTER_STALE = Duration.ofSeconds(5);

  private ActivationWait() {}

  static Duration next(Duration period, int earlyStopsInARow) {
    if (earlyStopsInARow == 0) {
      return period;
    }
    Duration backoff =
        FIRST_RETRY_AFTER_STALE.multipliedBy(1L << Math.min(earlyStopsInARow - 1, 16));
    return backoff.compareTo(period) < 0 ? backoff : period;
  }

  /**
   * Like {@code Workflow.await(Duration, condition)}, but cancels the timer when the condition
   * wins, so that the timer of a wait a signal ended never fires into the history later. Returns
   * whether the condition won.
   */
  static boolean awaitOrTimeout(Duration timeout, Functions.Func<Boolean> condition) {
    List<Promise<Boolean>> fired = new ArrayList<>(1);
    CancellationScope scope =
        Workflow.newCancellationScope(
            () ->
                fired.add(
                    Workflow.newTimer(timeout).handle((ignored, canceled) -> canceled == null)));
    scope.run();
    Workflow.await(() -> fired.get(0).isCompleted() || condition.apply());
    if (fired.get(0).isCompleted()) {
      return false;
    }
    scope.cancel();
    return true;
  }
}

package io.drydock.benchmarks;

import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Ends a canceled run as Drydock's ImportWorkflowSupport does, without an import activity to stop
 * first.
 */
public final class CancelFloorWorkflowImpl implements CancelFloorWorkflow {
  private final CancelFloorActivities releasing =
      Workflow.newActivityStub(
          CancelFloorActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  @Override
  public void run() {
    try {
      Workflow.await(() -> false);
    } catch (CanceledFailure canceled) {
      String workflowId = Workflow.getInfo().getWorkflowId();
      Workflow.newDetachedCancellationScope(() -> releasing.release(workflowId)).run();
      throw canceled;
    }
  }
}

package io.drydock.benchmarks;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface CancelFloorActivities {
  /** Records that the run has stopped, as Drydock's releaseRun marks the repository row closed. */
  void release(String workflowId);
}

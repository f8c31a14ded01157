package io.drydock.benchmarks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

final class CancelFloorActivitiesImpl implements CancelFloorActivities {
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();

  @Override
  public void release(String workflowId) {
    stopped.add(workflowId);
  }

  boolean hasStopped(String workflowId) {
    return stopped.contains(workflowId);
  }
}

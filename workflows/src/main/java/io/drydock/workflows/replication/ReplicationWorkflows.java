package io.drydock.workflows.replication;

/** Task queue and workflow id of artifact replication. */
public final class ReplicationWorkflows {
  public static final String TASK_QUEUE = "drydock-replication";

  /**
   * One replication workflow per deployment: a fixed id means two planners can never run at once
   * (Oxide's two Nexus instances with different database views deleted each other's fresh
   * artifacts).
   */
  public static final String WORKFLOW_ID = "artifact-replication";

  private ReplicationWorkflows() {}
}

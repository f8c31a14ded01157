package io.drydock.api.replication;

import io.drydock.workflows.replication.ReplicationCarry;
import io.drydock.workflows.replication.ReplicationCounters;
import io.drydock.workflows.replication.ReplicationStatus;
import io.drydock.workflows.replication.ReplicationWorkflow;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Stands in for the replication workflow on its task queue: it only counts the signals it gets, so
 * the API's signal-with-start, signals and status query can be checked without the real planner.
 */
public class StubReplicationWorkflow implements ReplicationWorkflow {
  private ReplicationCarry carried;
  private long activations;
  private boolean paused;

  @Override
  public void run(ReplicationCarry carried) {
    this.carried = carried;
    Workflow.await(() -> false);
  }

  @Override
  public void activate() {
    activations++;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public ReplicationStatus status() {
    return new ReplicationStatus(
        carried.settings(),
        paused,
        false,
        activations,
        0,
        ReplicationCounters.zero(),
        null,
        List.of(),
        List.of());
  }
}

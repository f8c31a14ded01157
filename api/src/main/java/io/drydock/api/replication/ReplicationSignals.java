package io.drydock.api.replication;

import io.drydock.workflows.replication.ReplicationCarry;
import io.drydock.workflows.replication.ReplicationSettings;
import io.drydock.workflows.replication.ReplicationStatus;
import io.drydock.workflows.replication.ReplicationWorkflow;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one replication workflow of the deployment, as the API reaches it: {@code activate} with
 * signal-with-start (so the first upload starts it, and a workflow that ended is started again),
 * {@code pause} and {@code resume}, and its {@code status} query. The settings apply when a run is
 * first started; a running workflow keeps its own.
 */
class ReplicationSignals {
  private static final Logger log = LoggerFactory.getLogger(ReplicationSignals.class);

  private final WorkflowClient client;
  private final ReplicationSettings settings;

  ReplicationSignals(WorkflowClient client, ReplicationSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  ReplicationSettings settings() {
    return settings;
  }

  /** Asks for an activation now, starting the workflow if it is not running. */
  void activate() {
    ReplicationWorkflow workflow =
        client.newWorkflowStub(
            ReplicationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ReplicationWorkflows.WORKFLOW_ID)
                .setTaskQueue(ReplicationWorkflows.TASK_QUEUE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::run, ReplicationCarry.first(settings));
    request.add(workflow::activate);
    client.signalWithStart(request);
  }

  /**
   * Activates after the desired set changed in the database. The database is the truth and the
   * workflow's timer activates it anyway, so a failure to reach Temporal is logged and the change
   * stands.
   */
  void activateAfter(String change) {
    try {
      activate();
    } catch (RuntimeException e) {
      log.warn(
          "{} is committed but the replication workflow could not be signalled; its next timer activation"
              + " replicates it",
          change,
          e);
    }
  }

  /**
   * @return false when the workflow has never been started
   */
  boolean pause() {
    return signalRunning(ReplicationWorkflow::pause);
  }

  /**
   * @return false when the workflow has never been started
   */
  boolean resume() {
    return signalRunning(ReplicationWorkflow::resume);
  }

  /** The workflow's own account; empty when it has never been started. */
  Optional<ReplicationStatus> status() {
    try {
      return Optional.of(running().status());
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private boolean signalRunning(Consumer<ReplicationWorkflow> signal) {
    try {
      signal.accept(running());
      return true;
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private ReplicationWorkflow running() {
    return client.newWorkflowStub(ReplicationWorkflow.class, ReplicationWorkflows.WORKFLOW_ID);
  }

  private static boolean notFound(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof WorkflowNotFoundException
          || (cause instanceof StatusRuntimeException grpc
              && grpc.getStatus().getCode() == Status.Code.NOT_FOUND)) {
        return true;
      }
    }
    return false;
  }
}

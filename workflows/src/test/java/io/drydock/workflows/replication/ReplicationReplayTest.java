package io.drydock.workflows.replication;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded history of the replication workflow. A change to the workflow that would break
 * the run in flight (there is always one) fails here; such a change goes behind
 * Workflow.getVersion.
 *
 * <p>replication-two-activations.json (rounds, before the {@code pipelined-replication} version)
 * and replication-pipelined-two-activations.json (pipelined) were recorded by
 * ReplicationWorkflowTest's oneActivationReplicatesEverythingAndTheNextFreesTheLocalCopies:
 * TestWorkflowEnvironment, the in-memory FakeFleet of five sleds and one uploaded repository of
 * three artifacts, started by signal-with-start as the API does; the first activation replicates,
 * an {@code activate} signal ends the period's timer early, the second frees the local copies; then
 * {@code WorkflowClient.fetchHistory(WORKFLOW_ID).toJson(true)} of the still-running workflow,
 * written to workflows/target/recorded-histories and copied here.
 *
 * <p>replication-real-dev-server.json (rounds) and replication-pipelined-real-dev-server.json
 * (pipelined) are real runs: quickstart's ReplicationEndToEndTest on the Temporal dev server, the
 * worker as a process of its own and four sled agent processes, written to
 * quickstart/target/recorded-histories at the end of the test and copied here. Each holds the
 * sleds' registrations, two uploads each replicated by one activation and freed by the next, a
 * delete, and activations with a killed sled unreachable until it came back.
 */
class ReplicationReplayTest {
  @Test
  void twoRecordedActivationsReplayWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-two-activations.json", ReplicationWorkflowImpl.class);
  }

  @Test
  void twoRecordedPipelinedActivationsReplayWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-pipelined-two-activations.json", ReplicationWorkflowImpl.class);
  }

  /** The same two activations, recorded after sleds listing one copy of two were sent it again. */
  @Test
  void twoRecordedActivationsThatRecopyReplayWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-recopy-two-activations.json", ReplicationWorkflowImpl.class);
  }

  @Test
  void aRealRunOnTheDevServerReplaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-real-dev-server.json", ReplicationWorkflowImpl.class);
  }

  @Test
  void aRealPipelinedRunOnTheDevServerReplaysWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-pipelined-real-dev-server.json", ReplicationWorkflowImpl.class);
  }
}

package io.drydock.workflows.replication;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded history of the replication workflow. A change to the workflow that would break the run in
 * flight (there is always one) fails here; such a change goes behind Workflow.getVersion.
 *
 * <p>replication-two-activations.json was recorded by ReplicationWorkflowTest's
 * oneActivationReplicatesEverythingAndTheNextFreesTheLocalCopies: TestWorkflowEnvironment, the in-memory FakeFleet of
 * five sleds and one uploaded repository of three artifacts, started by signal-with-start as the API does; the first
 * activation replicates, an {@code activate} signal ends the period's timer early, the second frees the local copies;
 * then {@code WorkflowClient.fetchHistory(WORKFLOW_ID).toJson(true)} of the still-running workflow, written to
 * workflows/target/recorded-histories and copied here.
 */
class ReplicationReplayTest {
  @Test
  void twoRecordedActivationsReplayWithoutNonDeterminism() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/replication-two-activations.json", ReplicationWorkflowImpl.class);
  }
}

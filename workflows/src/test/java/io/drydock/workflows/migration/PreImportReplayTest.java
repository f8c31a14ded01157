package io.drydock.workflows.migration;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays histories recorded from a real Temporal dev server (ImportApiEndToEndTest writes them to
 * quickstart/target/recorded-histories). A change to the workflow that would break running workflows fails here;
 * such a change goes behind Workflow.getVersion.
 */
class PreImportReplayTest {
  @ParameterizedTest
  @ValueSource(strings = {"histories/pre-import-complete.json", "histories/pre-import-failed.json"})
  void recordedRunsReplayWithoutNonDeterminism(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, PreImportWorkflowImpl.class);
  }
}

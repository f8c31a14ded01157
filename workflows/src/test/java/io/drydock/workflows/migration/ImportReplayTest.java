package io.drydock.workflows.migration;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays histories recorded from a real Temporal dev server (the quickstart module's end-to-end
 * tests write them to quickstart/target/recorded-histories). A change to a workflow that would
 * break runs already in flight fails here; such a change goes behind Workflow.getVersion. The v0
 * histories are of runs started before the first versioned change, and must keep replaying as long
 * as such runs may exist.
 */
class ImportReplayTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "histories/pre-import-v0-complete.json",
        "histories/pre-import-v0-failed.json",
        "histories/pre-import-chunked-complete.json",
        "histories/pre-import-failed-then-retried.json",
        "histories/pre-import-canceled-by-operator.json",
        "histories/pre-import-streamed-complete.json"
      })
  void recordedPreImportsReplayWithoutNonDeterminism(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, PreImportWorkflowImpl.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "histories/final-import-complete.json",
        "histories/final-import-then-indexed.json"
      })
  void recordedFinalImportsReplayWithoutNonDeterminism(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, FinalImportWorkflowImpl.class);
  }
}

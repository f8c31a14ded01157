package io.drydock.workflows.scan;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays recorded rescan and bulk rescan histories (written by {@link ScanHistoryRecorder}, which
 * says how to regenerate them). A change to either workflow that would break runs already in flight
 * fails here; such a change goes behind Workflow.getVersion.
 */
class ScanReplayTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "histories/rescan-indexed.json",
        "histories/rescan-reused-after-load-timeouts.json",
        "histories/rescan-error-recorded.json",
        "histories/rescan-manifest-unknown.json"
      })
  void recordedRescansReplayWithoutNonDeterminism(String history) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(history, RescanWorkflowImpl.class);
  }

  /**
   * A bulk rescan names its children after its own workflow id, which a history file does not hold:
   * the replay is given the id the recording ran under.
   */
  @Test
  void aRecordedBulkRescanWithAFailedChildReplaysWithoutNonDeterminism() throws Exception {
    String json;
    try (InputStream resource = resource("histories/bulk-rescan-with-failed-child.json")) {
      json = new String(resource.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowReplayer.replayWorkflowExecution(
        WorkflowExecutionHistory.fromJson(
            json, ScanWorkflows.bulkRescanWorkflowId(ScanHistoryRecorder.BULK_NAME)),
        BulkRescanWorkflowImpl.class,
        RescanWorkflowImpl.class);
  }

  private static InputStream resource(String name) {
    return Objects.requireNonNull(
        ScanReplayTest.class.getClassLoader().getResourceAsStream(name), name);
  }
}

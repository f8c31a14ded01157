package io.drydock.quickstart.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.activities.migration.MigrationActivitiesImpl;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SeparateWorkersStack.WorkerProcess;
import io.drydock.workflows.migration.MigrationWorkflows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker process started with {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} (here its system
 * property) writes one JSON document per line, and the lines its activities log carry the Temporal
 * workflow id and run id, which the SDK puts in the MDC while an activity runs.
 */
class StructuredLogsEndToEndTest {
  private static final String REPOSITORY = "logs/app";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyLineIsJsonAndTheActivitiesLinesNameTheirWorkflowAndRun() {
    Path legacyRoot = SeparateWorkersStack.newLegacyRoot("drydock-structured-logs-");
    DemoLegacyStorage.generateSynthetic(legacyRoot, REPOSITORY, 2, 1);
    try (SeparateWorkersStack stack =
        SeparateWorkersStack.start(legacyRoot, Duration.ofSeconds(5))) {
      WorkerProcess worker =
          stack.startWorker(
              "structured-logs",
              stack.temporal.target(),
              List.of("-Dlogging.structured.format.console=ecs"));

      assertThat(
              stack
                  .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre")
                  .statusCode())
          .isEqualTo(202);
      String workflowId = MigrationWorkflows.preImportWorkflowId(REPOSITORY);
      List<JsonNode> lines =
          DrydockStack.await(
              () -> parse(worker.logText()),
              parsed -> parsed.stream().anyMatch(StructuredLogsEndToEndTest::isImportEnd),
              Duration.ofSeconds(60),
              "the worker to log the end of the pre-import of " + REPOSITORY);
      String runId =
          stack.workflows.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();

      assertThat(lines).as("log lines, each a JSON document").hasSizeGreaterThan(10);
      JsonNode end =
          lines.stream().filter(StructuredLogsEndToEndTest::isImportEnd).findFirst().orElseThrow();
      assertThat(end.path("message").asText())
          .startsWith("pre import of " + REPOSITORY + " ended complete");
      assertThat(end.path("WorkflowId").asText()).isEqualTo(workflowId);
      assertThat(end.path("RunId").asText()).isEqualTo(runId);
      assertThat(end.path("ActivityType").asText()).isEqualTo("FinishRun");
    }
  }

  private static boolean isImportEnd(JsonNode line) {
    return MigrationActivitiesImpl.class.getName().equals(line.path("log").path("logger").asText())
        && line.path("message").asText().startsWith("pre import of " + REPOSITORY + " ended");
  }

  /** Every line of the log as JSON; fails on the first line that is not a JSON object. */
  private static List<JsonNode> parse(String log) {
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      try {
        JsonNode document = JSON.readTree(line);
        assertThat(document.isObject()).as(line).isTrue();
        parsed.add(document);
      } catch (JsonProcessingException e) {
        throw new AssertionError("a log line that is not JSON: " + line, e);
      }
    }
    return parsed;
  }
}

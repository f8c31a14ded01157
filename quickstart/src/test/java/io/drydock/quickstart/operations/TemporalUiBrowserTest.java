package io.drydock.quickstart.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drydock.quickstart.DrydockStack;
import io.drydock.testsupport.HeadlessChromium;
import io.drydock.workflows.migration.MigrationWorkflows;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees: the pre-import workflow in the Temporal Web UI of the dev server, found by
 * repository path, with our search attributes shown. Screenshots land in target/ for a person to
 * look at.
 */
class TemporalUiBrowserTest {
  private static final String REPOSITORY = "demo/multiarch";
  private static final String WORKFLOW_ID = MigrationWorkflows.preImportWorkflowId(REPOSITORY);
  private static final boolean CI = "true".equals(System.getenv("CI"));

  private static DrydockStack stack;
  private static String ui;

  @BeforeAll
  static void preImportARepository() {
    stack = DrydockStack.shared();
    // Off CI a laptop may lack the temporal CLI (no UI then) or Chromium; on CI both are required.
    if (!CI) {
      assumeTrue(stack.temporal.isRealServer(), "the Java test server fallback has no Web UI");
      assumeTrue(HeadlessChromium.find().isPresent(), "Chromium is not installed");
    }
    ui = stack.temporal.uiUrl().orElseThrow();
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre")
                .statusCode())
        .isEqualTo(202);
    DrydockStack.await(
        () -> stack.request("GET", "/gitlab/v1/import/" + REPOSITORY + "/").body(),
        body -> body.contains("\"pre_import_complete\""),
        Duration.ofSeconds(60),
        REPOSITORY + " to complete its pre-import");
  }

  @Test
  void theWorkflowListFindsTheRunByRepositoryPathAndShowsOurAttributes() {
    String query =
        URLEncoder.encode("RepositoryPath=\"" + REPOSITORY + "\"", StandardCharsets.UTF_8);
    // The UI keeps its column choice in localStorage; an operator adds these columns once.
    Map<String, String> columns =
        Map.of(
            "namespace-workflow-table-columns",
            "{\"default\":[{\"label\":\"Status\"},{\"label\":\"Workflow ID\"},{\"label\":\"RepositoryPath\"},"
                + "{\"label\":\"MigrationStatus\"},{\"label\":\"Type\"}]}");

    HeadlessChromium.RenderedPage page =
        HeadlessChromium.awaitText(
            ui + "/namespaces/default/workflows?query=" + query,
            columns,
            WORKFLOW_ID + "\t" + REPOSITORY + "\tpre_import_complete",
            Duration.ofSeconds(60),
            Path.of("target/ui-workflow-list.png"),
            1400,
            800);

    assertThat(page.text()).contains("PreImportWorkflow");
    assertThat(page.screenshot()).exists().isNotEmptyFile();
  }

  @Test
  void theRunsSearchAttributesNameTheRepositoryAndItsStatus() {
    String runId =
        stack
            .workflows
            .newUntypedWorkflowStub(WORKFLOW_ID)
            .describe()
            .getRawDescription()
            .getWorkflowExecutionInfo()
            .getExecution()
            .getRunId();
    String url =
        ui
            + "/namespaces/default/workflows/"
            + URLEncoder.encode(WORKFLOW_ID, StandardCharsets.UTF_8)
            + "/"
            + runId
            + "/search-attributes";

    HeadlessChromium.RenderedPage page =
        HeadlessChromium.awaitText(
            url,
            "\"RepositoryPath\": \"" + REPOSITORY + "\"",
            Duration.ofSeconds(60),
            Path.of("target/ui-workflow-search-attributes.png"),
            1400,
            900);

    assertThat(page.text())
        .contains("\"MigrationStatus\": \"pre_import_complete\"")
        .contains("\"ImportType\": \"pre\"");
  }
}

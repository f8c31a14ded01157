package io.drydock.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.legacy.DemoLegacyStorage;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /actuator/prometheus} on the quick start's process: the Temporal SDK's series (through the Spring Boot
 * starter's meter registry) beside Drydock's own, which move when the README's try-it steps run (a pre-import, a
 * final import and the rescan it starts, a canceled pre-import, each import's notification); a scraper needs a token.
 */
class MetricsEndToEndTest {
  private static final String REPOSITORY = "metrics/app";
  private static final String CANCELED = "metrics/canceled";
  private static final String REFUSED = "metrics/refused";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, REPOSITORY, 2, 1);
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, REFUSED, 1, 1);
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, CANCELED, DrydockStack.SLOW_REPOSITORY_TAGS, 1);
  }

  @Test
  void theTryItStepsMoveTheImportNotificationAndScanCountersBesideTheTemporalSdksSeries() {
    Metrics before = new Metrics(scrape());

    // The README's try-it steps: a pre-import, the final import, a canceled pre-import, and a bad request.
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre").statusCode())
        .isEqualTo(202);
    awaitStatus(REPOSITORY, "pre_import_complete");
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=final").statusCode())
        .isEqualTo(202);
    awaitStatus(REPOSITORY, "import_complete");
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + CANCELED + "/?import_type=pre").statusCode())
        .isEqualTo(202);
    assertThat(stack.request("DELETE", "/gitlab/v1/import/" + CANCELED + "/").body()).contains("pre_import_canceled");
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=bogus").statusCode())
        .isEqualTo(400);
    // Rails answers 400 for a repository it no longer imports: the notification ends refused.
    stack.notifications.answer(REFUSED, 400);
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REFUSED + "/?import_type=pre").statusCode())
        .isEqualTo(202);
    awaitStatus(REFUSED, "pre_import_complete");
    DrydockStack.await(
        () -> stack.workflows.newUntypedWorkflowStub(MigrationWorkflows.preImportWorkflowId(CANCELED)).describe().getStatus(),
        status -> status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        WAIT,
        "the canceled run of " + CANCELED + " to close");
    // The final import's rescan of the repository's image manifests runs after it, in a workflow of its own.
    Metrics after =
        DrydockStack.await(
            () -> new Metrics(scrape()),
            metrics ->
                metrics.value(RESCANS_INDEXED) >= before.value(RESCANS_INDEXED) + 2
                    && metrics.value(NOTIFICATIONS_REFUSED) >= before.value(NOTIFICATIONS_REFUSED) + 1,
            WAIT,
            "the rescans of " + REPOSITORY + "'s two manifests and the refused notification");

    assertThat(after.text).contains("temporal_");
    assertThat(after.delta(before, "drydock_imports_started_total\\{import_type=\"pre\"[^}]*}")).isEqualTo(3);
    assertThat(after.delta(before, "drydock_imports_started_total\\{import_type=\"final\"[^}]*}")).isEqualTo(1);
    assertThat(after.delta(before, finished("pre", "complete"))).isEqualTo(2);
    assertThat(after.delta(before, finished("final", "complete"))).isEqualTo(1);
    assertThat(after.delta(before, finished("pre", "canceled"))).isEqualTo(1);
    assertThat(after.delta(before, "drydock_import_duration_seconds_count\\{import_type=\"pre\",outcome=\"complete\"[^}]*}"))
        .isEqualTo(2);
    assertThat(after.delta(before, "drydock_manifests_written_total\\{import_type=\"pre\"[^}]*}"))
        .as("the two manifests of %s and the one of %s, at least", REPOSITORY, REFUSED)
        .isGreaterThanOrEqualTo(3);
    assertThat(after.delta(before, "drydock_notifications_total\\{outcome=\"delivered\"[^}]*}"))
        .as("pre_import_complete and import_complete of %s", REPOSITORY)
        .isEqualTo(2);
    assertThat(after.delta(before, NOTIFICATIONS_REFUSED)).isEqualTo(1);
    assertThat(after.delta(before, "drydock_index_reports_written_total\\{state=\"IndexFinished\"[^}]*}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(after.delta(before, "drydock_bulk_rescan_manifests_listed_total[^ ]*")).isGreaterThanOrEqualTo(2);
    assertThat(after.delta(before, "drydock_api_refusals_total\\{code=\"INVALID_QUERY_PARAMETER_VALUE\",status=\"400\"[^}]*}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aScraperWithoutATokenIsRefused() {
    assertThat(stack.request("GET", "/actuator/prometheus", Optional.empty()).statusCode()).isEqualTo(401);
  }

  private static final String RESCANS_INDEXED = "drydock_rescans_total\\{outcome=\"indexed\"[^}]*}";
  private static final String NOTIFICATIONS_REFUSED = "drydock_notifications_total\\{outcome=\"refused\"[^}]*}";

  private static String finished(String importType, String outcome) {
    return "drydock_imports_finished_total\\{import_type=\"" + importType + "\",outcome=\"" + outcome + "\"[^}]*}";
  }

  private static void awaitStatus(String path, String status) {
    DrydockStack.await(() -> stack.migrationStatus(path), status::equals, WAIT, path + " to reach " + status);
  }

  private static String scrape() {
    HttpResponse<String> answer = stack.request("GET", "/actuator/prometheus");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  /** One scrape. */
  private record Metrics(String text) {
    /** The series' value, 0 when it is not there yet. */
    double value(String series) {
      Matcher line = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
      return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    double delta(Metrics before, String series) {
      return value(series) - before.value(series);
    }
  }
}

package io.drydock.quickstart.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ReplicationArchives;
import io.drydock.quickstart.ReplicationArchives.Repository;
import io.drydock.quickstart.ScanTestClient;
import io.drydock.sledagent.SledAgent;
import io.drydock.sledagent.SledAgentOptions;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /actuator/prometheus} on the quick start's process: the Temporal SDK's series (through the
 * Spring Boot starter's meter registry) beside Drydock's own, which move when the README's try-it
 * steps run (a pre-import, a final import and the rescan it starts, a canceled pre-import, each
 * import's notification); a scraper needs a token.
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
    DemoLegacyStorage.generateSynthetic(
        stack.legacyRoot, CANCELED, DrydockStack.SLOW_REPOSITORY_TAGS, 1);
  }

  @Test
  void theTryItStepsMoveTheImportNotificationAndScanCountersBesideTheTemporalSdksSeries() {
    Metrics before = new Metrics(scrape());

    // The README's try-it steps: a pre-import, the final import, a canceled pre-import, and a bad
    // request.
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre")
                .statusCode())
        .isEqualTo(202);
    awaitStatus(REPOSITORY, "pre_import_complete");
    // As Rails does, the final import follows the pre-import's notification: started before its
    // delivery, it would
    // supersede it (an outdated notification is not sent).
    DrydockStack.await(
        () -> stack.notifications.receivedFor(REPOSITORY).size(),
        received -> received >= 1,
        WAIT,
        "the pre_import_complete notification of " + REPOSITORY);
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=final")
                .statusCode())
        .isEqualTo(202);
    awaitStatus(REPOSITORY, "import_complete");
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + CANCELED + "/?import_type=pre")
                .statusCode())
        .isEqualTo(202);
    assertThat(stack.request("DELETE", "/gitlab/v1/import/" + CANCELED + "/").body())
        .contains("pre_import_canceled");
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=bogus")
                .statusCode())
        .isEqualTo(400);
    // Rails answers 400 for a repository it no longer imports: the notification ends refused.
    stack.notifications.answer(REFUSED, 400);
    assertThat(
            stack.request("PUT", "/gitlab/v1/import/" + REFUSED + "/?import_type=pre").statusCode())
        .isEqualTo(202);
    awaitStatus(REFUSED, "pre_import_complete");
    DrydockStack.await(
        () ->
            stack
                .workflows
                .newUntypedWorkflowStub(MigrationWorkflows.preImportWorkflowId(CANCELED))
                .describe()
                .getStatus(),
        status -> status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        WAIT,
        "the canceled run of " + CANCELED + " to close");
    // The final import's rescan of the repository's image manifests runs after it, in a workflow of
    // its own.
    ScanTestClient scans = new ScanTestClient(stack.baseUrl);
    DrydockStack.await(
        () -> scans.scanStatuses(REPOSITORY, 10).values(),
        statuses -> statuses.size() == 2 && statuses.stream().allMatch("finished"::equals),
        WAIT,
        "the rescans of " + REPOSITORY + "'s two manifests");
    Metrics after =
        DrydockStack.await(
            () -> new Metrics(scrape()),
            metrics ->
                metrics.value(RESCANS_INDEXED) >= before.value(RESCANS_INDEXED) + 2
                    && metrics.value(REPORTS_WRITTEN) >= before.value(REPORTS_WRITTEN) + 2
                    && metrics.value(NOTIFICATIONS_REFUSED)
                        >= before.value(NOTIFICATIONS_REFUSED) + 1
                    // The delivery follows the status write the import's status shows.
                    && metrics.value(NOTIFICATIONS_DELIVERED)
                        >= before.value(NOTIFICATIONS_DELIVERED) + 2,
            WAIT,
            "the rescans of "
                + REPOSITORY
                + "'s two manifests, its two notifications and the refused one");

    assertThat(after.text).contains("temporal_");
    assertThat(after.delta(before, "drydock_imports_started_total\\{import_type=\"pre\"[^}]*}"))
        .isEqualTo(3);
    assertThat(after.delta(before, "drydock_imports_started_total\\{import_type=\"final\"[^}]*}"))
        .isEqualTo(1);
    assertThat(after.delta(before, finished("pre", "complete"))).isEqualTo(2);
    assertThat(after.delta(before, finished("final", "complete"))).isEqualTo(1);
    assertThat(
            after.delta(before, finished("pre", "canceled"))
                + after.delta(before, finished("pre", "superseded")))
        .as(
            "the canceled run: canceled if the cancel stopped its work, superseded if its work had finished first")
        .isEqualTo(1);
    assertThat(
            after.delta(
                before,
                "drydock_import_duration_seconds_count\\{import_type=\"pre\",outcome=\"complete\"[^}]*}"))
        .isEqualTo(2);
    assertThat(after.delta(before, "drydock_manifests_written_total\\{import_type=\"pre\"[^}]*}"))
        .as("the two manifests of %s and the one of %s, at least", REPOSITORY, REFUSED)
        .isGreaterThanOrEqualTo(3);
    assertThat(after.delta(before, NOTIFICATIONS_DELIVERED))
        .as("pre_import_complete and import_complete of %s", REPOSITORY)
        .isEqualTo(2);
    assertThat(after.delta(before, NOTIFICATIONS_REFUSED)).isEqualTo(1);
    assertThat(after.delta(before, REPORTS_WRITTEN)).isGreaterThanOrEqualTo(2);
    assertThat(after.delta(before, "drydock_bulk_rescan_manifests_listed_total[^ ]*"))
        .isGreaterThanOrEqualTo(2);
    assertThat(
            after.delta(
                before,
                "drydock_api_refusals_total\\{code=\"INVALID_QUERY_PARAMETER_VALUE\",status=\"400\"[^}]*}"))
        .isGreaterThanOrEqualTo(1);
  }

  /**
   * The replication series move once a sled is registered and a repository uploaded, as
   * docs/api/replication.md's steps do: the upload activates the replication workflow, which puts
   * the artifact on the sled.
   */
  @Test
  void replicatingAnUploadMovesTheRequestAndDepotSeriesAndTheSledAnswers(@TempDir Path sledData)
      throws IOException, InterruptedException {
    Metrics before = new Metrics(scrape());
    Repository repository =
        new Repository(
            "metrics",
            "1.0.0",
            ReplicationArchives.randomTargets(new Random(13), "metrics", 1, 1000, 2000));
    long artifactBytes = repository.targets().get(0).bytes().length;
    try (SledAgent sled =
        SledAgent.start(
            new SledAgentOptions(
                SLED,
                "127.0.0.1",
                0,
                0,
                sledData,
                SledAgentOptions.DEFAULT_MAX_ARTIFACT_BYTES,
                0,
                SledAgentOptions.DEFAULT_RECONCILE_INTERVAL,
                Set.of(),
                false))) {
      assertThat(
              send(
                      "PUT",
                      "/api/v1/sleds/" + SLED,
                      "application/json",
                      ("{\"base_url\": \"" + sled.baseUri() + "\"}")
                          .getBytes(StandardCharsets.UTF_8))
                  .statusCode())
          .isBetween(200, 201);
      assertThat(
              send("POST", "/api/v1/artifact-repositories", "application/zip", repository.zip())
                  .statusCode())
          .isBetween(200, 201);

      Metrics after =
          DrydockStack.await(
              () -> new Metrics(scrape()),
              metrics ->
                  metrics.value(PUTS_OK) >= before.value(PUTS_OK) + 1
                      && metrics.text.contains("drydock_replication_lost_artifacts{"),
              WAIT,
              "the artifact to be put on "
                  + SLED
                  + " and the workflow's lost artifacts gauge reported");

      assertThat(
              after.delta(
                  before,
                  "drydock_replication_requests_total\\{kind=\"config\",outcome=\"ok\"[^}]*}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(after.delta(before, "drydock_replication_depot_bytes_sent_total[^ ]*"))
          .isGreaterThanOrEqualTo(artifactBytes);
      assertThat(after.value("drydock_replication_sled_answering\\{sled=\"" + SLED + "\"[^}]*}"))
          .isEqualTo(1);
      assertThat(
              after.value(
                  "drydock_replication_lost_artifacts\\{[^}]*workflow_type=\"ReplicationWorkflow\"[^}]*}"))
          .as("nothing is lost: the sled has the artifact and the depot still does")
          .isZero();
    } finally {
      // The shared stack's other tests expect no sled of this test in their fleet.
      send("POST", "/api/v1/sleds/" + SLED + "/expunge", "application/json", new byte[0]);
    }
  }

  @Test
  void aScraperWithoutATokenIsRefused() {
    assertThat(stack.request("GET", "/actuator/prometheus", Optional.empty()).statusCode())
        .isEqualTo(401);
  }

  private static final String SLED = "metrics-sled";
  private static final String PUTS_OK =
      "drydock_replication_requests_total\\{kind=\"put\",outcome=\"ok\"[^}]*}";
  private static final String RESCANS_INDEXED = "drydock_rescans_total\\{outcome=\"indexed\"[^}]*}";
  private static final String REPORTS_WRITTEN =
      "drydock_index_reports_written_total\\{state=\"IndexFinished\"[^}]*}";
  private static final String NOTIFICATIONS_REFUSED =
      "drydock_notifications_total\\{outcome=\"refused\"[^}]*}";
  private static final String NOTIFICATIONS_DELIVERED =
      "drydock_notifications_total\\{outcome=\"delivered\"[^}]*}";

  private static String finished(String importType, String outcome) {
    return "drydock_imports_finished_total\\{import_type=\""
        + importType
        + "\",outcome=\""
        + outcome
        + "\"[^}]*}";
  }

  private static void awaitStatus(String path, String status) {
    DrydockStack.await(
        () -> stack.migrationStatus(path), status::equals, WAIT, path + " to reach " + status);
  }

  private static HttpResponse<String> send(
      String method, String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(stack.baseUrl + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + stack.operatorToken())
                .header("Content-Type", contentType)
                .build(),
            HttpResponse.BodyHandlers.ofString());
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

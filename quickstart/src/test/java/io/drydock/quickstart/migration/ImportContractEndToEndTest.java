package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GitLab import API's status table and transitions, row by row, on the whole stack and a real
 * Temporal server. Each row gets a repository of its own, put in the row's status directly in the
 * database, so rows cannot disturb each other.
 */
class ImportContractEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger REPOSITORIES = new AtomicInteger();
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  /**
   * Rows a test put in progress directly have no run that would ever end them: end them, or they
   * would hold slots of the concurrency limit for every test that runs after this class.
   */
  @AfterEach
  void endImportsNoRunOwns() {
    stack
        .database
        .sql(
            """
            UPDATE repositories SET migration_status = 'import_canceled', owner_closed = TRUE
             WHERE owner_token = 'set-by-test' AND migration_status IN ('pre_import_in_progress', 'import_in_progress')""")
        .update();
  }

  static Stream<Arguments> putRows() {
    return Stream.of(
        Arguments.of("pre", null, 202, null),
        Arguments.of("pre", "native", 200, null),
        Arguments.of("pre", "import_complete", 200, null),
        Arguments.of("pre", "pre_import_in_progress", 425, "PRE_IMPORT_IN_PROGRESS"),
        Arguments.of("pre", "import_in_progress", 409, "IMPORT_IN_PROGRESS"),
        Arguments.of("pre", "pre_import_complete", 202, null),
        Arguments.of("pre", "pre_import_failed", 202, null),
        Arguments.of("pre", "pre_import_canceled", 202, null),
        Arguments.of("pre", "import_failed", 202, null),
        Arguments.of("pre", "import_canceled", 202, null),
        Arguments.of("final", null, 424, "PRE_IMPORT_REQUIRED"),
        Arguments.of("final", "native", 200, null),
        Arguments.of("final", "import_complete", 200, null),
        Arguments.of("final", "pre_import_in_progress", 425, "PRE_IMPORT_IN_PROGRESS"),
        Arguments.of("final", "import_in_progress", 409, "IMPORT_IN_PROGRESS"),
        Arguments.of("final", "pre_import_failed", 424, "PRE_IMPORT_FAILED"),
        Arguments.of("final", "pre_import_canceled", 424, "PRE_IMPORT_CANCELED"),
        Arguments.of("final", "pre_import_complete", 202, null),
        Arguments.of("final", "import_failed", 202, null),
        Arguments.of("final", "import_canceled", 202, null));
  }

  @ParameterizedTest(name = "PUT import_type={0} from {1} -> {2} {3}")
  @MethodSource("putRows")
  void putAnswersAsTheStatusTableSays(String importType, String from, int status, String code) {
    String path = repository();
    if (from != null) {
      setStatus(path, from);
    }

    HttpResponse<String> response = put(path, importType);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (code != null) {
      assertThat(DrydockStack.errorCode(response)).isEqualTo(code);
      assertThat(currentStatus(path)).as("a refused PUT changes nothing").isEqualTo(from);
    } else if (status == 200) {
      assertThat(response.body()).isEmpty();
      assertThat(currentStatus(path)).isEqualTo(from);
    } else {
      String inProgress =
          importType.equals("pre") ? "pre_import_in_progress" : "import_in_progress";
      assertThat(DrydockStack.json(response).path("status").asText()).isEqualTo(inProgress);
      String complete = importType.equals("pre") ? "pre_import_complete" : "import_complete";
      awaitStatus(path, complete);
    }
  }

  /**
   * GitLab's handler answers from the repository's status before it looks in the legacy storage,
   * and asks for a pre-import only after (donch/container-registry registry/handlers/import.go at
   * 40285f93f71701af3c9bb6f85d58b5a69cee2572, shouldImport, lines 307-353): a repository that is
   * being imported answers its status even when its legacy copy is gone (a 404 would make Rails
   * mark it "not found" and done), and a final import of a repository missing everywhere is 404,
   * not 424.
   */
  static Stream<Arguments> rowsWithoutALegacyCopy() {
    return Stream.of(
        Arguments.of("pre", "pre_import_in_progress", 425, "PRE_IMPORT_IN_PROGRESS"),
        Arguments.of("final", "pre_import_in_progress", 425, "PRE_IMPORT_IN_PROGRESS"),
        Arguments.of("pre", "import_in_progress", 409, "IMPORT_IN_PROGRESS"),
        Arguments.of("final", "import_in_progress", 409, "IMPORT_IN_PROGRESS"),
        Arguments.of("pre", "import_complete", 200, null),
        Arguments.of("final", "native", 200, null),
        Arguments.of("final", "pre_import_failed", 424, "PRE_IMPORT_FAILED"),
        Arguments.of("final", "pre_import_canceled", 424, "PRE_IMPORT_CANCELED"),
        Arguments.of("pre", "pre_import_complete", 404, "NAME_UNKNOWN"),
        Arguments.of("final", "pre_import_complete", 404, "NAME_UNKNOWN"),
        Arguments.of("pre", null, 404, "NAME_UNKNOWN"),
        Arguments.of("final", null, 404, "NAME_UNKNOWN"));
  }

  @ParameterizedTest(name = "PUT import_type={0} from {1}, no legacy copy -> {2} {3}")
  @MethodSource("rowsWithoutALegacyCopy")
  void statusAnswersComeBeforeTheLegacyStorageLookup(
      String importType, String from, int status, String code) {
    String path = "contract/no-legacy-copy-" + REPOSITORIES.incrementAndGet();
    if (from != null) {
      setStatus(path, from);
    }

    HttpResponse<String> response = put(path, importType);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (code != null) {
      assertThat(DrydockStack.errorCode(response)).isEqualTo(code);
    }
    assertThat(currentStatus(path)).as("nothing changed").isEqualTo(from);
  }

  /**
   * The older Rails client sends {@code ?pre=true|false} (gitlabhq/gitlabhq
   * lib/container_registry/gitlab_api_client.rb at 2b2d833ab3e78f8c9f626af950a16d43fc38c9f8,
   * start_import_for, lines 48-52, without the trailing slash); the newer one {@code import_type},
   * which wins when both are sent.
   */
  static Stream<Arguments> importTypeSpellings() {
    return Stream.of(
        Arguments.of("?pre=true", 202, "pre_import_in_progress"),
        Arguments.of("?pre=false", 424, "PRE_IMPORT_REQUIRED"),
        Arguments.of("?import_type=pre&pre=false", 202, "pre_import_in_progress"),
        Arguments.of("?import_type=final&pre=true", 424, "PRE_IMPORT_REQUIRED"),
        Arguments.of("?pre=maybe", 400, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("?pre=", 400, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("?import_type=bogus&pre=true", 400, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("", 400, "INVALID_QUERY_PARAMETER_VALUE"));
  }

  @ParameterizedTest(name = "PUT {0} -> {1} {2}")
  @MethodSource("importTypeSpellings")
  void theOlderClientsPreParameterIsAccepted(String query, int status, String outcome) {
    String path = repository();

    HttpResponse<String> response = stack.request("PUT", "/gitlab/v1/import/" + path + query);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 202) {
      assertThat(DrydockStack.json(response).path("status").asText()).isEqualTo(outcome);
      awaitStatus(path, "pre_import_complete");
    } else {
      assertThat(DrydockStack.errorCode(response)).isEqualTo(outcome);
      assertThat(currentStatus(path)).isNull();
    }
  }

  @Test
  void aFullMigrationGoesFromPreImportToImportCompleteWithTags() {
    String path = repository();

    assertThat(put(path, "pre").statusCode()).isEqualTo(202);
    awaitStatus(path, "pre_import_complete");
    assertThat(
            count(
                "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = ?",
                path))
        .isZero();
    assertThat(put(path, "final").statusCode()).isEqualTo(202);
    awaitStatus(path, "import_complete");

    assertThat(
            count(
                "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = ?",
                path))
        .isEqualTo(3);
    assertThat(put(path, "pre").statusCode()).as("on the database now").isEqualTo(200);
    // The completed import has its image manifests indexed, without anyone asking.
    DrydockStack.await(
        () ->
            DrydockStack.json(stack.request("GET", "/api/v1/scan-status?repository=" + path))
                .path("manifests"),
        manifests ->
            !manifests.isEmpty()
                && Stream.iterate(0, i -> i < manifests.size(), i -> i + 1)
                    .allMatch(i -> "finished".equals(manifests.get(i).path("status").asText())),
        Duration.ofSeconds(60),
        "the imported manifests of " + path + " indexed");
    stack.recordHistory(
        MigrationWorkflows.workflowId(ImportType.PRE, path), "pre-import-chunked-complete.json");
    stack.recordHistory(
        MigrationWorkflows.workflowId(ImportType.FINAL, path), "final-import-then-indexed.json");
  }

  @Test
  void aFinalImportRecordsManifestsPushedSinceThePreImport() {
    String path = repository();
    put(path, "pre");
    awaitStatus(path, "pre_import_complete");
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 5, 1);

    put(path, "final");
    awaitStatus(path, "import_complete");

    assertThat(
            count(
                "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                    + " WHERE r.path = ?",
                path))
        .isEqualTo(5);
    assertThat(
            count(
                "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = ?",
                path))
        .isEqualTo(5);
  }

  @Test
  void rateLimitIsAnsweredWith429WhenTheInstanceRunsItsMaximum() {
    List<String> busy = new ArrayList<>();
    for (int i = 0; i < DrydockStack.MAX_CONCURRENT_IMPORTS; i++) {
      String other = "busy/r" + REPOSITORIES.incrementAndGet();
      setStatus(other, "pre_import_in_progress");
      busy.add(other);
    }
    String path = repository();
    try {
      HttpResponse<String> response = put(path, "pre");

      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(DrydockStack.errorCode(response)).isEqualTo("IMPORT_RATE_LIMIT");
      assertThat(currentStatus(path)).isNull();
    } finally {
      busy.forEach(
          other ->
              stack.database.sql("DELETE FROM repositories WHERE path = ?").param(other).update());
    }
  }

  @Test
  void aCanceledRunThatHasNotStoppedKeepsNewImportsOut() {
    String path = repository();
    setStatus(path, "pre_import_canceled");
    stack
        .database
        .sql("UPDATE repositories SET owner_closed = FALSE, canceled_at = now() WHERE path = ?")
        .param(path)
        .update();

    HttpResponse<String> response = put(path, "pre");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(DrydockStack.errorCode(response)).isEqualTo("IMPORT_REPOSITORY_NOT_READY");
  }

  /**
   * GitLab's registry's cancel (donch/container-registry registry/handlers/import.go at
   * 40285f93f71701af3c9bb6f85d58b5a69cee2572, CancelRepositoryImport and cancelImport, lines
   * 514-577): without force only an import in progress; with {@code force=true} every status but
   * {@code native}, to {@code pre_import_canceled} from {@code pre_import_in_progress} or {@code
   * pre_import_complete} and to {@code import_canceled} from every other, with the detail {@code
   * forced cancelation}.
   */
  static Stream<Arguments> deleteRows() {
    Stream<Arguments> unforced =
        Stream.of(
            Arguments.of(
                "pre_import_in_progress", "", 202, "pre_import_canceled", "pre import canceled"),
            Arguments.of("import_in_progress", "", 202, "import_canceled", "final import canceled"),
            Arguments.of("pre_import_complete", "", 400, "IMPORT_CANNOT_BE_CANCELED", null),
            Arguments.of("pre_import_failed", "", 400, "IMPORT_CANNOT_BE_CANCELED", null),
            Arguments.of("import_complete", "", 400, "IMPORT_CANNOT_BE_CANCELED", null),
            Arguments.of("native", "", 400, "IMPORT_CANNOT_BE_CANCELED", null),
            Arguments.of(
                "pre_import_in_progress",
                "?force=maybe",
                400,
                "INVALID_QUERY_PARAMETER_VALUE",
                null),
            Arguments.of(null, "", 404, "NAME_UNKNOWN", null),
            Arguments.of(null, "?force=true", 404, "NAME_UNKNOWN", null),
            Arguments.of("native", "?force=true", 400, "IMPORT_CANNOT_BE_CANCELED", null));
    Stream<Arguments> forced =
        Stream.of(
                "pre_import_in_progress",
                "pre_import_complete",
                "pre_import_failed",
                "pre_import_canceled",
                "import_in_progress",
                "import_complete",
                "import_failed",
                "import_canceled")
            .map(
                from ->
                    Arguments.of(
                        from,
                        "?force=true",
                        202,
                        from.equals("pre_import_in_progress") || from.equals("pre_import_complete")
                            ? "pre_import_canceled"
                            : "import_canceled",
                        "forced cancelation"));
    return Stream.concat(unforced, forced);
  }

  @ParameterizedTest(name = "DELETE{1} from {0} -> {2} {3}")
  @MethodSource("deleteRows")
  void deleteAnswersAsTheContractSays(
      String from, String query, int status, String outcome, String detail) {
    String path = repository();
    if (from != null) {
      setStatus(path, from);
    }

    HttpResponse<String> response =
        stack.request("DELETE", "/gitlab/v1/import/" + path + "/" + query);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 202) {
      assertThat(DrydockStack.json(response).path("status").asText()).isEqualTo(outcome);
      assertThat(DrydockStack.json(response).path("detail").asText()).isEqualTo(detail);
      assertThat(currentStatus(path)).isEqualTo(outcome);
    } else {
      assertThat(DrydockStack.errorCode(response)).isEqualTo(outcome);
      assertThat(currentStatus(path)).isEqualTo(from);
    }
  }

  @Test
  void aCanceledPreImportStopsAndTheRepositoryIsAcceptedAgainAsSoonAsItHasClosed()
      throws Exception {
    String path = DrydockStack.SLOW_REPOSITORIES.get(0);
    assertThat(put(path, "pre").statusCode()).isEqualTo(202);
    String firstRun = runId(ImportType.PRE, path);

    HttpResponse<String> canceled = stack.request("DELETE", "/gitlab/v1/import/" + path + "/");
    assertThat(canceled.statusCode()).isEqualTo(202);
    assertThat(DrydockStack.json(canceled).path("status").asText())
        .isEqualTo("pre_import_canceled");

    // The grace deadline is 60 s in these tests: acceptance before it means the canceled run had
    // closed.
    HttpResponse<String> again = putAsRailsDoes(path, "pre");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    assertThat(
            stack
                .workflows
                .newUntypedWorkflowStub(
                    MigrationWorkflows.preImportWorkflowId(path),
                    Optional.of(firstRun),
                    Optional.empty())
                .describe()
                .getStatus())
        .as(
            "the canceled run has closed (canceled, or ended fenced out if its next batch came first)")
        .isNotEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    awaitStatus(path, "pre_import_complete");
  }

  /**
   * Seed 004: Rails cancels a slow pre-import and asks again 300 ms later; the new pre-import
   * completes, Rails asks for the final import, and it completes. The canceled run must never write
   * its status over the newer ones.
   */
  @Test
  void theSeedsRaceEndsImportCompleteAndTheStatusNeverRegresses() throws Exception {
    String path = DrydockStack.SLOW_REPOSITORIES.get(1);
    List<String> observed = new CopyOnWriteArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                String status = currentStatus(path);
                if (status != null
                    && (observed.isEmpty() || !observed.get(observed.size() - 1).equals(status))) {
                  observed.add(status);
                }
              }
            });
    sampler.start();
    try {
      assertThat(put(path, "pre").statusCode()).isEqualTo(202);
      Thread.sleep(300);
      assertThat(stack.request("DELETE", "/gitlab/v1/import/" + path + "/").statusCode())
          .isEqualTo(202);
      Thread.sleep(300);
      HttpResponse<String> again = putAsRailsDoes(path, "pre");
      assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
      // As Rails does: the pre_import_complete notification is what makes it request the final
      // import.
      DrydockStack.await(
          () -> stack.notifications.receivedFor(path),
          received -> !received.isEmpty(),
          Duration.ofSeconds(90),
          "the pre_import_complete notification of " + path);
      assertThat(put(path, "final").statusCode()).isEqualTo(202);
      awaitStatus(path, "import_complete");
      // Give a zombie of the canceled run every chance to write.
      Thread.sleep(2000);
    } finally {
      sampling.set(false);
      sampler.join();
    }

    assertThat(currentStatus(path)).isEqualTo("import_complete");
    assertThat(observed)
        .containsExactly(
            "pre_import_in_progress",
            "pre_import_canceled",
            "pre_import_in_progress",
            "pre_import_complete",
            "import_in_progress",
            "import_complete");
    assertThat(stack.notifications.receivedFor(path))
        .as("Rails hears of each run that ended, in order, and nothing of the canceled one")
        .extracting(r -> JSON.readTree(r.body()).path("status").asText())
        .containsExactly("pre_import_complete", "import_complete");
  }

  /**
   * Rails retries a 429 after {@code 0.1 * try_count} seconds, up to 50 times (gitlabhq/gitlabhq
   * app/models/container_repository.rb at 00114c0521e8bb09813fd7b9b3c68269b99b6b63, try_import).
   * Accepted before the tests' 60 s grace deadline means the canceled run had closed: the deadline
   * did not release the repository.
   */
  private static HttpResponse<String> putAsRailsDoes(String path, String importType)
      throws InterruptedException {
    long started = System.nanoTime();
    HttpResponse<String> response = put(path, importType);
    for (int tryCount = 1; response.statusCode() == 429 && tryCount <= 50; tryCount++) {
      Thread.sleep(100L * tryCount);
      response = put(path, importType);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    return response;
  }

  private static String repository() {
    String path = "contract/r" + REPOSITORIES.incrementAndGet();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 3, 1);
    return path;
  }

  private static void setStatus(String path, String status) {
    stack.setMigrationStatus(path, status, "set-by-test");
  }

  private static String currentStatus(String path) {
    return stack.migrationStatus(path);
  }

  private static String runId(ImportType type, String path) {
    return stack
        .workflows
        .newUntypedWorkflowStub(MigrationWorkflows.workflowId(type, path))
        .describe()
        .getRawDescription()
        .getWorkflowExecutionInfo()
        .getExecution()
        .getRunId();
  }

  private static HttpResponse<String> put(String path, String importType) {
    return stack.request("PUT", "/gitlab/v1/import/" + path + "/?import_type=" + importType);
  }

  private static void awaitStatus(String path, String status) {
    DrydockStack.await(
        () -> currentStatus(path),
        status::equals,
        Duration.ofSeconds(90),
        path + " to reach " + status);
  }

  private static long count(String sql, String path) {
    return stack.database.sql(sql).param(path).query(Long.class).single();
  }
}

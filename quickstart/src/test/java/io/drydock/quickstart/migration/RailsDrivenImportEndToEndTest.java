package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.NotificationReceiver;
import io.drydock.quickstart.migration.GitLabRails.Response;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drydock driven exactly as GitLab Rails drives an import ({@link GitLabRails} copies its client,
 * its state machine and its callback endpoint, citing each), on the whole stack and a real Temporal
 * server: the compliance check, a pre-import whose callback makes Rails ask for the final import,
 * each answer Rails maps and what it does with it, the 429 retry loop, a forced cancel, and a
 * callback for a repository Rails aborted.
 */
class RailsDrivenImportEndToEndTest {
  private static final AtomicInteger REPOSITORIES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DrydockStack stack;
  private static GitLabRails rails;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    rails =
        new GitLabRails(
            stack.baseUrl,
            token(Map.of("type", "repository", "name", "group/project", "actions", List.of("*"))),
            token(Map.of("type", "registry", "name", "import", "actions", List.of("*"))),
            DrydockStack.NOTIFICATION_SECRET,
            50);
  }

  @AfterEach
  void endImportsNoRunOwns() {
    stack
        .database
        .sql(
            """
            UPDATE repositories SET migration_status = 'import_canceled', owner_closed = TRUE
             WHERE owner_token = 'set-by-rails-test' AND migration_status IN ('pre_import_in_progress', 'import_in_progress')""")
        .update();
  }

  /**
   * Rails continues only on 2xx or 401 (gitlab_api_client.rb, supports_gitlab_api?), with its plain
   * registry token, whose access names a repository, not the import API; GitLab's registry answers
   * 200 {@code {}} with its version (registry/handlers/app.go, apiBase).
   */
  @Test
  void theComplianceCheckPassesWithAnyValidRegistryToken() {
    assertThat(rails.supportsGitlabApi()).isTrue();

    HttpResponse<String> answer =
        stack.request(
            "GET",
            "/gitlab/v1/",
            Optional.of(
                "Bearer "
                    + token(
                        Map.of("type", "repository", "name", "a/b", "actions", List.of("pull")))));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{}");
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(answer.headers().firstValue("Gitlab-Container-Registry-Version"))
        .hasValueSatisfying(version -> assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*"));
    assertThat(answer.headers().firstValue("Gitlab-Container-Registry-Features")).isPresent();

    HttpResponse<String> anonymous = stack.request("GET", "/gitlab/v1/", Optional.empty());
    assertThat(anonymous.statusCode()).as("Rails takes 401 as supported too").isEqualTo(401);
  }

  /**
   * start_pre_import runs try_import { migration_pre_import } (container_repository.rb, the
   * after-transition hook to pre_importing); the pre_import_complete callback makes Rails' endpoint
   * call finish_pre_import_and_start_import, which asks for the final import (migration.rb, lines
   * 43-46); import_complete finishes it.
   */
  @Test
  void aRepositoryMigratesAsRailsDrivesIt() {
    String path = repository();

    assertThat(rails.startPreImport(path)).isTrue();
    awaitRailsState(path, "import_done");

    assertThat(currentStatus(path)).isEqualTo("import_complete");
    assertThat(rails.skippedReason(path)).isEmpty();
    assertThat(rails.importStatus(path)).isEqualTo("import_complete");
    assertThat(stack.notifications.receivedFor(path))
        .extracting(received -> status(received), NotificationReceiver.Received::answered)
        .containsExactly(tuple("pre_import_complete", 200), tuple("import_complete", 200));
  }

  /**
   * try_import: 404 finishes the import as not_found, 200 as native_import
   * (container_repository.rb).
   */
  @Test
  void aRepositoryMissingFromTheLegacyStorageIsSkippedAsNotFound() {
    String path = "rails/not-in-legacy-" + REPOSITORIES.incrementAndGet();

    assertThat(rails.startPreImport(path)).isFalse();

    assertThat(rails.migrationState(path)).isEqualTo("import_done");
    assertThat(rails.skippedReason(path)).contains("not_found");
    assertThat(currentStatus(path)).isNull();
  }

  @Test
  void aRepositoryAlreadyOnTheDatabaseIsFinishedAsNative() {
    String path = repository();
    setStatus(path, "import_complete");

    assertThat(rails.startPreImport(path)).isFalse();

    assertThat(rails.migrationState(path)).isEqualTo("import_done");
    assertThat(rails.skippedReason(path)).contains("native_import");
    assertThat(currentStatus(path)).isEqualTo("import_complete");
  }

  /**
   * 425 and 409 map to already_being_imported and 424 to pre_import_failed; try_import aborts on
   * each. The legacy copy is gone: the status answers come first, so none of these reads as 404
   * (Rails would mark it done).
   */
  @Test
  void statusAnswersAbortTheImportInRailsAndNeverReadAsNotFound() {
    for (String[] row :
        List.of(
            new String[] {"pre_import_in_progress", "pre"},
            new String[] {"import_in_progress", "pre"},
            new String[] {"pre_import_failed", "final"})) {
      String path = "rails/status-only-" + REPOSITORIES.incrementAndGet();
      setStatus(path, row[0]);

      boolean started =
          row[1].equals("pre") ? rails.startPreImport(path) : startFinalAfterAnAbort(path);

      assertThat(started).as(row[0]).isFalse();
      assertThat(rails.migrationState(path)).as(row[0]).isEqualTo("import_aborted");
      assertThat(rails.skippedReason(path)).as(row[0]).isEmpty();
      assertThat(currentStatus(path)).as(row[0]).isEqualTo(row[0]);
    }
  }

  /**
   * 401 maps to unauthorized, which try_import aborts; the compliance check still passes on 401.
   */
  @Test
  void aTokenWithoutImportAccessAnswers401WhichRailsMapsAndAborts() {
    String path = repository();
    GitLabRails withoutAccess =
        new GitLabRails(
            stack.baseUrl,
            token(Map.of("type", "repository", "name", path, "actions", List.of("*"))),
            token(Map.of("type", "repository", "name", path, "actions", List.of("*"))),
            DrydockStack.NOTIFICATION_SECRET,
            50);

    assertThat(withoutAccess.startImportFor(path, true)).isEqualTo(Response.UNAUTHORIZED);
    assertThat(withoutAccess.startPreImport(path)).isFalse();
    assertThat(withoutAccess.migrationState(path)).isEqualTo("import_aborted");
    assertThat(currentStatus(path)).isNull();
  }

  /**
   * migration_pre_import raises TooManyImportsError on 429, and try_import retries after 0.1 *
   * try_count seconds (container_repository.rb, try_import): the import starts once a slot frees.
   */
  @Test
  void railsRetriesA429UntilASlotFrees() throws Exception {
    List<String> occupying =
        IntStream.range(0, DrydockStack.MAX_CONCURRENT_IMPORTS)
            .mapToObj(i -> "rails/occupying-" + REPOSITORIES.incrementAndGet())
            .toList();
    occupying.forEach(other -> setStatus(other, "pre_import_in_progress"));
    String path = repository();
    int requestsBefore = rails.importRequests();

    CompletableFuture<Boolean> started =
        CompletableFuture.supplyAsync(() -> rails.startPreImport(path));
    Thread.sleep(700);
    endImportsNoRunOwns();

    assertThat(started.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(rails.importRequests() - requestsBefore).as("PUTs Rails sent").isGreaterThan(1);
    awaitRailsState(path, "import_done");
    assertThat(currentStatus(path)).isEqualTo("import_complete");
  }

  /**
   * force_migration_cancel (container_repository.rb) sends DELETE ?force=true and skips the import
   * on 202; the registry fences the running pre-import out, and its run never reports over the
   * cancel.
   */
  @Test
  void aForcedCancelStopsTheRunAndRailsSkipsTheImport() {
    String path = "rails/slow-" + REPOSITORIES.incrementAndGet();
    DemoLegacyStorage.generateSynthetic(
        stack.legacyRoot, path, DrydockStack.SLOW_REPOSITORY_TAGS, 1);
    assertThat(rails.startPreImport(path)).isTrue();

    GitLabRails.CancelResult canceled = rails.forceMigrationCancel(path);

    assertThat(canceled.status()).isEqualTo(Response.OK);
    assertThat(canceled.migrationState()).isEqualTo("pre_import_canceled");
    assertThat(rails.migrationState(path)).isEqualTo("import_skipped");
    assertThat(rails.skippedReason(path)).contains("migration_forced_canceled");
    DrydockStack.await(
        () ->
            stack
                .workflows
                .newUntypedWorkflowStub(MigrationWorkflows.preImportWorkflowId(path))
                .describe()
                .getStatus(),
        status -> status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        Duration.ofSeconds(60),
        "the canceled run of " + path + " to close");
    assertThat(currentStatus(path)).isEqualTo("pre_import_canceled");
    assertThat(rails.importStatus(path)).isEqualTo("pre_import_canceled");
    assertThat(stack.notifications.receivedFor(path)).isEmpty();
  }

  /**
   * Rails aborted the repository (its stale-migration guard, say) while the registry pre-imports
   * it: its endpoint answers 400 "Wrong migration state" (migration.rb, lines 39-41), and the
   * notification ends refused, never retried.
   */
  @Test
  void aCallbackForARepositoryRailsAbortedIsRefusedOnceAndNotRetried() throws InterruptedException {
    String path = repository();
    rails.abortImport(path);
    assertThat(rails.startImportFor(path, true)).isEqualTo(Response.OK);

    DrydockStack.await(
        () ->
            stack
                .database
                .sql("SELECT outcome FROM notifications WHERE repository_path = ?")
                .param(path)
                .query(String.class)
                .optional()
                .orElse(""),
        "refused"::equals,
        Duration.ofSeconds(60),
        "the notification for " + path + " to end");
    Thread.sleep(2000);

    assertThat(stack.notifications.receivedFor(path))
        .singleElement()
        .satisfies(
            received -> {
              assertThat(received.answered()).isEqualTo(400);
              assertThat(status(received)).isEqualTo("pre_import_complete");
            });
    assertThat(
            stack
                .database
                .sql("SELECT response_status FROM notifications WHERE repository_path = ?")
                .param(path)
                .query(Integer.class)
                .single())
        .isEqualTo(400);
    assertThat(rails.migrationState(path)).isEqualTo("import_aborted");
    assertThat(currentStatus(path))
        .as("the registry's own status is unaffected")
        .isEqualTo("pre_import_complete");
  }

  private static String status(NotificationReceiver.Received received) {
    try {
      return JSON.readTree(received.body()).path("status").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rails starts a final import from import_aborted (retry_aborted_migration takes the same
   * transition).
   */
  private static boolean startFinalAfterAnAbort(String path) {
    rails.abortImport(path);
    return rails.startImport(path);
  }

  /** A repository in the legacy storage whose callbacks reach Rails' endpoint. */
  private static String repository() {
    String path = "rails/r" + REPOSITORIES.incrementAndGet();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 3, 1);
    stack.notifications.route(path, rails);
    return path;
  }

  private static void setStatus(String path, String status) {
    stack.setMigrationStatus(path, status, "set-by-rails-test");
  }

  private static String currentStatus(String path) {
    return stack.migrationStatus(path);
  }

  private static void awaitRailsState(String path, String state) {
    DrydockStack.await(
        () -> rails.migrationState(path),
        state::equals,
        Duration.ofSeconds(90),
        path + " to be " + state + " in Rails");
  }

  private static String token(Map<String, Object> access) {
    return DrydockStack.registryToken(List.of(access));
  }
}

package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.workflows.migration.MigrationWorkflows;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator endpoints: retry a failed run that waits, cancel a running one. */
class OperatorEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  @Test
  void aFailedPreImportWaitsAndAnOperatorsRetryCompletesItOnceTheStorageIsRepaired() {
    String path = "operator/retried";
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 3, 1);
    Path lost = DrydockStack.deleteOneBlob(stack.legacyRoot, path);
    assertThat(put(path)).isEqualTo(202);
    awaitStatus(path, "pre_import_failed");

    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 3, 1);
    assertThat(lost).exists();
    HttpResponse<String> retried =
        stack.request("POST", "/api/v1/operator/imports/" + path + "/retry");

    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    awaitStatus(path, "pre_import_complete");
    DrydockStack.await(
        () ->
            stack.notifications.receivedFor(path).stream().filter(r -> r.answered() == 200).count(),
        delivered -> delivered == 2,
        Duration.ofSeconds(60),
        "both notifications of " + path);
    assertThat(stack.notifications.receivedFor(path))
        .extracting(r -> JSON.readTree(r.body()).path("status").asText())
        .containsExactly("pre_import_failed", "pre_import_complete");
    stack.recordHistory(
        MigrationWorkflows.preImportWorkflowId(path), "pre-import-failed-then-retried.json");
  }

  @Test
  void anOperatorsCancelStopsARunningImportLikeADelete() {
    String path = DrydockStack.SLOW_REPOSITORIES.get(0);
    DrydockStack.await(
        () -> put(path),
        status -> status == 202,
        Duration.ofSeconds(90),
        "a pre-import of " + path);

    HttpResponse<String> canceled =
        stack.request("POST", "/api/v1/operator/imports/" + path + "/cancel");

    assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(202);
    awaitStatus(path, "pre_import_canceled");
    DrydockStack.await(
        () ->
            stack
                .database
                .sql("SELECT owner_closed FROM repositories WHERE path = ?")
                .param(path)
                .query(Boolean.class)
                .single(),
        closed -> closed,
        Duration.ofSeconds(30),
        "the canceled run of " + path + " to close");
    stack.recordHistory(
        MigrationWorkflows.preImportWorkflowId(path), "pre-import-canceled-by-operator.json");
  }

  @Test
  void signalsNeedAnOpenRunAKnownRepositoryAndAKnownSignal() {
    String path = "operator/finished";
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 2, 1);
    put(path);
    awaitStatus(path, "pre_import_complete");
    DrydockStack.await(
        () -> stack.request("POST", "/api/v1/operator/imports/" + path + "/retry").statusCode(),
        status -> status == 409,
        Duration.ofSeconds(30),
        "the finished run of " + path + " to close");

    assertThat(
            DrydockStack.errorCode(
                stack.request("POST", "/api/v1/operator/imports/" + path + "/retry")))
        .isEqualTo("IMPORT_NOT_RUNNING");
    assertThat(stack.request("POST", "/api/v1/operator/imports/never/imported/retry").statusCode())
        .isEqualTo(404);
    assertThat(stack.request("POST", "/api/v1/operator/imports/" + path + "/restart").statusCode())
        .isEqualTo(404);
    assertThat(
            DrydockStack.errorCode(
                stack.request("POST", "/api/v1/operator/imports/Not/Valid/retry")))
        .isEqualTo("NAME_INVALID");
  }

  private static int put(String path) {
    return stack.request("PUT", "/gitlab/v1/import/" + path + "/?import_type=pre").statusCode();
  }

  private static void awaitStatus(String path, String status) {
    DrydockStack.await(
        () ->
            stack
                .database
                .sql("SELECT migration_status FROM repositories WHERE path = ?")
                .param(path)
                .query(String.class)
                .optional()
                .orElse(""),
        status::equals,
        Duration.ofSeconds(90),
        path + " to reach " + status);
  }
}

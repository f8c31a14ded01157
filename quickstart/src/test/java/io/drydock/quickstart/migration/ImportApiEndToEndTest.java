package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The import API as GitLab Rails calls it, against the whole stack on a real Temporal server. */
class ImportApiEndToEndTest {
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  @Test
  void preImportRecordsTheTaggedManifestWithItsConfigAndLayers() {
    HttpResponse<String> started =
        stack.request("PUT", "/gitlab/v1/import/demo/debian/?import_type=pre");

    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(DrydockStack.json(started).path("status").asText())
        .isEqualTo("pre_import_in_progress");
    JsonNode done = awaitStatus("demo/debian", "pre_import_complete");
    assertThat(done.toString())
        .isEqualTo(
            "{\"name\":\"debian\",\"path\":\"demo/debian\",\"status\":\"pre_import_complete\","
                + "\"detail\":\"pre import completed successfully\"}");
    // Tags 12 and latest name one schema-2 manifest: one config and two layers.
    assertThat(
            count(
                "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                    + " WHERE r.path = 'demo/debian'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM repository_blobs b JOIN repositories r ON r.id = b.repository_id"
                    + " WHERE r.path = 'demo/debian'"))
        .isEqualTo(3);
    assertThat(
            count(
                "SELECT count(*) FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id"
                    + " JOIN repositories r ON r.id = m.repository_id WHERE r.path = 'demo/debian'"))
        .isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                    + " WHERE r.path = 'demo/debian'"))
        .as("a pre-import records no tags")
        .isZero();
    assertThat(searchAttribute("demo/debian", "pre_import_complete"))
        .isEqualTo("pre_import_complete");
    recordHistory("demo/debian", "pre-import-complete.json");
  }

  @Test
  void preImportOfAnIndexRecordsItsChildManifests() {
    assertThat(
            stack.request("PUT", "/gitlab/v1/import/demo/multiarch/?import_type=pre").statusCode())
        .isEqualTo(202);
    awaitStatus("demo/multiarch", "pre_import_complete");

    assertThat(
            count(
                "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                    + " WHERE r.path = 'demo/multiarch'"))
        .isEqualTo(3);
    assertThat(
            count(
                "SELECT count(*) FROM manifest_references mr JOIN manifests m ON m.id = mr.parent_id"
                    + " JOIN repositories r ON r.id = m.repository_id WHERE r.path = 'demo/multiarch'"))
        .isEqualTo(2);
  }

  @Test
  void untaggedRevisionsAreLeftBehind() {
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/group/project/app/?import_type=pre")
                .statusCode())
        .isEqualTo(202);
    awaitStatus("group/project/app", "pre_import_complete");

    long revisions;
    try (Stream<Path> links =
        Files.list(
            stack.legacyRoot.resolve(
                "docker/registry/v2/repositories/group/project/app/_manifests/revisions/sha256"))) {
      revisions = links.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long imported =
        count(
            "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                + " WHERE r.path = 'group/project/app'");
    assertThat(imported).isPositive().isLessThan(revisions);
  }

  @Test
  void aRepositoryThatCannotBeImportedEndsFailedWithTheReasonInDetail() {
    assertThat(
            stack
                .request(
                    "PUT",
                    "/gitlab/v1/import/" + DrydockStack.BROKEN_REPOSITORY + "/?import_type=pre")
                .statusCode())
        .isEqualTo(202);

    JsonNode failed = awaitStatus(DrydockStack.BROKEN_REPOSITORY, "pre_import_failed");
    assertThat(failed.path("detail").asText()).contains("missing from the storage");
    assertThat(searchAttribute(DrydockStack.BROKEN_REPOSITORY, "pre_import_failed"))
        .isEqualTo("pre_import_failed");
    recordHistory(DrydockStack.BROKEN_REPOSITORY, "pre-import-failed.json");
  }

  @Test
  void aCompletedPreImportMayBeRunAgain() {
    stack.request("PUT", "/gitlab/v1/import/demo/alpine/?import_type=pre");
    awaitStatus("demo/alpine", "pre_import_complete");

    HttpResponse<String> again =
        stack.request("PUT", "/gitlab/v1/import/demo/alpine/?import_type=pre");

    assertThat(again.statusCode()).isEqualTo(202);
    awaitStatus("demo/alpine", "pre_import_complete");
    assertThat(
            count(
                "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                    + " WHERE r.path = 'demo/alpine'"))
        .as("no duplicate rows")
        .isEqualTo(1);
  }

  static Stream<Arguments> badRequests() {
    String tooLong = "a".repeat(300);
    return Stream.of(
        Arguments.of("PUT", "/gitlab/v1/import/nope/nothere/?import_type=pre", 404, "NAME_UNKNOWN"),
        Arguments.of("PUT", "/gitlab/v1/import/../x/?import_type=pre", 400, "NAME_INVALID"),
        Arguments.of("PUT", "/gitlab/v1/import/..%2Fx/?import_type=pre", 400, "NAME_INVALID"),
        Arguments.of("PUT", "/gitlab/v1/import/Demo/Debian/?import_type=pre", 400, "NAME_INVALID"),
        Arguments.of(
            "PUT", "/gitlab/v1/import/" + tooLong + "/?import_type=pre", 400, "NAME_INVALID"),
        Arguments.of("PUT", "/gitlab/v1/import/demo//debian/?import_type=pre", 400, "NAME_INVALID"),
        Arguments.of("PUT", "/gitlab/v1/import/demo/debian/", 400, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of(
            "PUT",
            "/gitlab/v1/import/demo/debian/?import_type=both",
            400,
            "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of(
            "PUT", "/gitlab/v1/import/demo/debian/x%00/?import_type=pre", 400, "BAD_REQUEST"),
        Arguments.of("GET", "/gitlab/v1/import/never/imported/", 404, "NAME_UNKNOWN"),
        Arguments.of("POST", "/gitlab/v1/import/demo/debian/?import_type=pre", 405, "UNSUPPORTED"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @MethodSource("badRequests")
  void badInputIsRefusedInTheOciEnvelopeAndChangesNothing(
      String method, String path, int status, String code) {
    long rowsBefore = stack.repositoryRows();

    HttpResponse<String> response = stack.request(method, path);

    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode error = DrydockStack.json(response).path("errors").path(0);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    // The API claims the repository row before it starts a workflow, so no new row means no
    // workflow either.
    assertThat(stack.repositoryRows()).isEqualTo(rowsBefore);
  }

  private static JsonNode awaitStatus(String path, String status) {
    return DrydockStack.await(
        () -> DrydockStack.json(stack.request("GET", "/gitlab/v1/import/" + path + "/")),
        body -> status.equals(body.path("status").asText()),
        Duration.ofSeconds(60),
        path + " to reach " + status);
  }

  /**
   * The run's MigrationStatus search attribute once it shows {@code expected} (a failed run stays
   * open, waiting).
   */
  private static String searchAttribute(String path, String expected) {
    WorkflowStub run =
        stack.workflows.newUntypedWorkflowStub(MigrationWorkflows.preImportWorkflowId(path));
    return DrydockStack.await(
        () ->
            run.describe().getTypedSearchAttributes().get(DrydockSearchAttributes.MIGRATION_STATUS),
        expected::equals,
        Duration.ofSeconds(60),
        "the MigrationStatus search attribute of " + path + " to show " + expected);
  }

  private static void recordHistory(String path, String fileName) {
    stack.recordHistory(MigrationWorkflows.preImportWorkflowId(path), fileName);
  }

  private static long count(String sql) {
    return stack.database.sql(sql).query(Long.class).single();
  }
}

package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SeparateWorkersStack.WorkerProcess;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the worker in the middle of a large pre-import: the server times the
 * interrupted activity out on its heartbeat, a new worker process retries it, and the repository
 * ends {@code pre_import_complete} with every row exactly once.
 */
class WorkerCrashEndToEndTest {
  private static final String REPOSITORY = "crash/big";

  /** Large enough that the pre-import runs well over ten seconds on two cores. */
  private static final int MANIFESTS = 12_000;

  /** Tags per activity of a pre-import (a chunk); each is written in batches of 200. */
  private static final int TAGS_PER_CHUNK = 1000;

  private static CompletableFuture<Void> generated;
  private static SeparateWorkersStack stack;

  @BeforeAll
  static void startStack() throws IOException {
    Path legacyRoot = SeparateWorkersStack.newLegacyRoot("drydock-crash-legacy-");
    // Writing the repository takes about as long as starting the stack and the first worker: they
    // overlap.
    generated =
        CompletableFuture.runAsync(
            () -> DemoLegacyStorage.generateSynthetic(legacyRoot, REPOSITORY, MANIFESTS, 1));
    stack = SeparateWorkersStack.start(legacyRoot, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopStack() {
    if (generated != null) {
      generated.handle((done, failure) -> done).join();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aNewWorkerFinishesThePreImportOfAKilledOneWithoutDuplicates() {
    WorkerProcess first = stack.startWorker("crash-1");
    generated.join();
    assertThat(
            stack
                .request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre")
                .statusCode())
        .isEqualTo(202);
    Instant started = Instant.now();

    // A count that is not a multiple of the chunk size means a chunk's activity has committed some
    // batches and not
    // all: the kill lands inside an activity attempt, which only the heartbeat timeout can end.
    long seen =
        DrydockStack.await(
            () -> stack.manifests(REPOSITORY),
            n -> n >= 2 * TAGS_PER_CHUNK && n % TAGS_PER_CHUNK != 0,
            Duration.ofSeconds(120),
            "the pre-import to be inside its third chunk or later");
    first.kill();
    Instant killed = Instant.now();
    long atKill = stack.manifests(REPOSITORY);
    System.out.printf(
        "[crash] %d manifests %d ms after the PUT; worker %d killed with SIGKILL at %d manifests%n",
        seen, Duration.between(started, killed).toMillis(), first.pid(), atKill);
    assertThat(atKill).as("killed before the end").isLessThan(MANIFESTS);
    assertThat(stack.status(REPOSITORY)).isEqualTo("pre_import_in_progress");

    WorkerProcess second = stack.startWorker("crash-2");
    Instant secondUp = Instant.now();
    DrydockStack.await(
        () -> stack.manifests(REPOSITORY),
        n -> n > atKill,
        Duration.ofSeconds(60),
        "the new worker to write");
    Instant resumed = Instant.now();
    DrydockStack.await(
        () -> stack.status(REPOSITORY),
        "pre_import_complete"::equals,
        Duration.ofSeconds(180),
        REPOSITORY + " to reach pre_import_complete");
    Instant complete = Instant.now();
    System.out.printf(
        "[crash] second worker %d polling %d ms after the kill; first new row %d ms after the kill;"
            + " pre_import_complete %d ms after the kill (whole pre-import %d ms)%n",
        second.pid(),
        Duration.between(killed, secondUp).toMillis(),
        Duration.between(killed, resumed).toMillis(),
        Duration.between(killed, complete).toMillis(),
        Duration.between(started, complete).toMillis());

    assertThat(stack.manifests(REPOSITORY)).isEqualTo(MANIFESTS);
    assertThat(
            count(
                "SELECT count(DISTINCT m.digest) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                    + " WHERE r.path = ?"))
        .isEqualTo(MANIFESTS);
    // Every synthetic manifest has a config of its own and shares one layer.
    assertThat(
            count(
                "SELECT count(*) FROM repository_blobs b JOIN repositories r ON r.id = b.repository_id"
                    + " WHERE r.path = ?"))
        .isEqualTo(MANIFESTS + 1);
    assertThat(
            count(
                "SELECT count(*) FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id"
                    + " JOIN repositories r ON r.id = m.repository_id WHERE r.path = ?"))
        .isEqualTo(MANIFESTS);
    assertThat(stack.database.sql("SELECT count(*) FROM blobs").query(Long.class).single())
        .isEqualTo(MANIFESTS + 1);
    assertThat(
            stack
                .database
                .sql("SELECT owner_closed FROM repositories WHERE path = ?")
                .param(REPOSITORY)
                .query(Boolean.class)
                .single())
        .isTrue();

    String workflowId = MigrationWorkflows.preImportWorkflowId(REPOSITORY);
    // The run ends a moment after its status write.
    DrydockStack.await(
        () -> stack.workflows.newUntypedWorkflowStub(workflowId).describe().getStatus(),
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED::equals,
        Duration.ofSeconds(30),
        workflowId + " to complete");
    List<ActivityTaskStartedEventAttributes> retried =
        stack.workflows.fetchHistory(workflowId).getEvents().stream()
            .filter(HistoryEvent::hasActivityTaskStartedEventAttributes)
            .map(HistoryEvent::getActivityTaskStartedEventAttributes)
            .filter(attempt -> attempt.getAttempt() > 1)
            .toList();
    assertThat(retried).as("the interrupted chunk was retried once").hasSize(1);
    assertThat(retried.get(0).getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .as("after its heartbeat timed out")
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  }

  private static long count(String sql) {
    return stack.count(sql, REPOSITORY);
  }
}

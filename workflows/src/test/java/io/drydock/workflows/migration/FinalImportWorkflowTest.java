package io.drydock.workflows.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.scan.BulkRescanProgress;
import io.drydock.workflows.scan.BulkRescanRequest;
import io.drydock.workflows.scan.BulkRescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FinalImportWorkflowTest {
  private static final ImportRequest REQUEST = new ImportRequest("group/project/app", "token-2", 0);

  private TestWorkflowEnvironment environment;
  private PreImportWorkflowTest.FakeMigrationActivities activities;
  private final PreImportWorkflowTest.FakeCallerNotifications notifications =
      new PreImportWorkflowTest.FakeCallerNotifications();

  @BeforeEach
  void startEnvironment() {
    environment = TestWorkflowEnvironment.newInstance();
    DrydockSearchAttributes.all().forEach(environment::registerSearchAttribute);
    activities = new PreImportWorkflowTest.FakeMigrationActivities();
    Worker worker = environment.newWorker(MigrationWorkflows.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(FinalImportWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities, notifications);
  }

  @AfterEach
  void stopEnvironment() {
    environment.close();
  }

  @Test
  void aCommittedFinalImportClosesTheRunWithImportComplete() {
    activities.finalImport = () -> new ImportCounts(4, 9, 6);

    ImportResult result = run();

    assertThat(result)
        .isEqualTo(
            new ImportResult(
                MigrationStatus.IMPORT_COMPLETE, true, null, new ImportCounts(4, 9, 6)));
    assertThat(activities.finished)
        .containsExactly(
            new StatusTransition(
                "group/project/app",
                "token-2",
                MigrationStatus.IMPORT_IN_PROGRESS,
                MigrationStatus.IMPORT_COMPLETE,
                null));
  }

  @Test
  void aCompletedImportHasItsRepositoryIndexedByABulkRescanThatOutlivesIt() {
    activities.finalImport = () -> new ImportCounts(4, 9, 6);
    List<BulkRescanRequest> indexing = recordIndexing();

    run();

    // The bulk rescan runs on after the import's workflow has completed.
    for (int waited = 0; indexing.isEmpty() && waited < 200; waited++) {
      environment.sleep(Duration.ofMillis(50));
    }
    assertThat(indexing)
        .containsExactly(
            new BulkRescanRequest(
                "group/project/app", false, FinalImportWorkflowImpl.INDEX_CONCURRENCY, null, null));
  }

  @Test
  void aFailedImportIndexesNothing() {
    activities.finalImport =
        () -> {
          throw ApplicationFailure.newNonRetryableFailure(
              "no longer owned", MigrationFailures.FENCED_OUT);
        };
    List<BulkRescanRequest> indexing = recordIndexing();

    run();

    assertThat(indexing).isEmpty();
  }

  /**
   * Starts the environment with a scan worker whose bulk rescans only record what they were asked
   * to index.
   */
  private List<BulkRescanRequest> recordIndexing() {
    List<BulkRescanRequest> indexing = new CopyOnWriteArrayList<>();
    environment
        .newWorker(ScanWorkflows.TASK_QUEUE)
        .registerWorkflowImplementationFactory(
            BulkRescanWorkflow.class, () -> new RecordingBulkRescan(indexing));
    environment.start();
    return indexing;
  }

  /** Stands in for the scan worker's bulk rescan and records what it was asked to index. */
  static final class RecordingBulkRescan implements BulkRescanWorkflow {
    private final List<BulkRescanRequest> requests;

    RecordingBulkRescan(List<BulkRescanRequest> requests) {
      this.requests = requests;
    }

    @Override
    public BulkRescanProgress run(BulkRescanRequest request) {
      requests.add(request);
      return progress();
    }

    @Override
    public BulkRescanProgress progress() {
      return new BulkRescanProgress("finished", 0, 0, 0);
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void cancel() {}
  }

  @Test
  void aFencedOutFinalImportEndsWithoutTakingTheStatus() {
    activities.finalImport =
        () -> {
          throw ApplicationFailure.newNonRetryableFailure(
              "no longer owned", MigrationFailures.FENCED_OUT);
        };
    activities.finishApplies = false;

    ImportResult result = run();

    assertThat(result.status()).isEqualTo(MigrationStatus.IMPORT_FAILED);
    assertThat(result.applied()).isFalse();
    assertThat(activities.finished)
        .singleElement()
        .satisfies(t -> assertThat(t.expected()).isEqualTo(MigrationStatus.IMPORT_IN_PROGRESS));
  }

  private ImportResult run() {
    if (!environment.isStarted()) {
      environment.start();
    }
    FinalImportWorkflow workflow =
        environment
            .getWorkflowClient()
            .newWorkflowStub(
                FinalImportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(
                        MigrationWorkflows.workflowId(ImportType.FINAL, REQUEST.repositoryPath()))
                    .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
                    .build());
    WorkflowClient.start(workflow::run, REQUEST);
    return WorkflowStub.fromTyped(workflow).getResult(ImportResult.class);
  }
}

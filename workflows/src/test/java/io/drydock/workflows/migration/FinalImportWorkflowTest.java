package io.drydock.workflows.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
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
    environment.start();
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
        .isEqualTo(new ImportResult(MigrationStatus.IMPORT_COMPLETE, true, null, new ImportCounts(4, 9, 6)));
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
  void aFencedOutFinalImportEndsWithoutTakingTheStatus() {
    activities.finalImport =
        () -> {
          throw ApplicationFailure.newNonRetryableFailure("no longer owned", MigrationFailures.FENCED_OUT);
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
    FinalImportWorkflow workflow =
        environment
            .getWorkflowClient()
            .newWorkflowStub(
                FinalImportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(MigrationWorkflows.workflowId(ImportType.FINAL, REQUEST.repositoryPath()))
                    .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
                    .build());
    WorkflowClient.start(workflow::run, REQUEST);
    return WorkflowStub.fromTyped(workflow).getResult(ImportResult.class);
  }
}

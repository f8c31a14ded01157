package io.drydock.workflows.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PreImportWorkflowTest {
  private static final ImportRequest REQUEST = new ImportRequest("group/project/app", "token-1");

  private TestWorkflowEnvironment environment;
  private FakeActivities activities;

  @BeforeEach
  void startEnvironment() {
    environment = TestWorkflowEnvironment.newInstance();
    DrydockSearchAttributes.all().forEach(environment::registerSearchAttribute);
    activities = new FakeActivities();
    Worker worker = environment.newWorker(MigrationWorkflows.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PreImportWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    environment.start();
  }

  @AfterEach
  void stopEnvironment() {
    environment.close();
  }

  @Test
  void completedImportIsRecordedWithACompareAndSetOnTheOwnerToken() {
    activities.importing = () -> new ImportCounts(3, 7, 0);

    ImportResult result = run();

    assertThat(result)
        .isEqualTo(new ImportResult(MigrationStatus.PRE_IMPORT_COMPLETE, true, null, new ImportCounts(3, 7, 0)));
    assertThat(activities.transitions)
        .containsExactly(
            new StatusTransition(
                "group/project/app",
                "token-1",
                MigrationStatus.PRE_IMPORT_IN_PROGRESS,
                MigrationStatus.PRE_IMPORT_COMPLETE,
                null));
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_complete");
  }

  @Test
  void transientFailuresAreRetriedThenTheRepositoryIsMarkedFailedWithTheError() {
    activities.importing =
        () -> {
          throw ApplicationFailure.newFailure("reading tags: disk unavailable", "IOException");
        };

    ImportResult result = run();

    assertThat(activities.importAttempts).hasValue(5);
    assertThat(result.status()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
    assertThat(result.error()).isEqualTo("reading tags: disk unavailable");
    assertThat(activities.transitions).singleElement().satisfies(t -> {
      assertThat(t.next()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
      assertThat(t.error()).isEqualTo("reading tags: disk unavailable");
    });
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_failed");
  }

  @Test
  void aFencedOutRunStopsAtOnceAndItsStatusWriteIsRefused() {
    activities.importing =
        () -> {
          throw ApplicationFailure.newNonRetryableFailure("no longer owned", MigrationFailures.FENCED_OUT);
        };
    activities.transitionApplies = false;

    ImportResult result = run();

    assertThat(activities.importAttempts).hasValue(1);
    assertThat(result.applied()).isFalse();
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_in_progress");
  }

  @Test
  void aSupersededRunDoesNotOverwriteTheStatus() {
    activities.importing = () -> new ImportCounts(1, 2, 0);
    activities.transitionApplies = false;

    ImportResult result = run();

    assertThat(result.applied()).isFalse();
    assertThat(result.status()).isEqualTo(MigrationStatus.PRE_IMPORT_COMPLETE);
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_in_progress");
  }

  private ImportResult run() {
    PreImportWorkflow workflow =
        environment
            .getWorkflowClient()
            .newWorkflowStub(
                PreImportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(MigrationWorkflows.preImportWorkflowId(REQUEST.repositoryPath()))
                    .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(DrydockSearchAttributes.MIGRATION_STATUS, "pre_import_in_progress")
                            .build())
                    .build());
    WorkflowClient.start(workflow::run, REQUEST);
    return WorkflowStub.fromTyped(workflow).getResult(ImportResult.class);
  }

  private String migrationStatusAttribute() {
    return environment
        .getWorkflowClient()
        .newUntypedWorkflowStub(MigrationWorkflows.preImportWorkflowId(REQUEST.repositoryPath()))
        .describe()
        .getTypedSearchAttributes()
        .get(DrydockSearchAttributes.MIGRATION_STATUS);
  }

  static final class FakeActivities implements MigrationActivities {
    volatile Supplier<ImportCounts> importing;
    volatile boolean transitionApplies = true;
    final AtomicInteger importAttempts = new AtomicInteger();
    final List<StatusTransition> transitions = new CopyOnWriteArrayList<>();

    @Override
    public ImportCounts preImport(ImportRequest request) {
      importAttempts.incrementAndGet();
      return importing.get();
    }

    @Override
    public boolean transitionStatus(StatusTransition transition) {
      transitions.add(transition);
      return transitionApplies;
    }
  }
}

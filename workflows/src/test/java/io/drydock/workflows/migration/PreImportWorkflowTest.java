package io.drydock.workflows.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PreImportWorkflowTest {
  private static final ImportRequest REQUEST = new ImportRequest("group/project/app", "token-1", 0);

  /** A request whose run waits an hour for an operator after a failure. */
  private static final ImportRequest WAITING =
      new ImportRequest("group/project/app", "token-1", 3600);

  private static final String WORKFLOW_ID =
      MigrationWorkflows.preImportWorkflowId(REQUEST.repositoryPath());

  private TestWorkflowEnvironment environment;
  private FakeMigrationActivities activities;
  private final PreImportWorkflowTest.FakeCallerNotifications notifications =
      new PreImportWorkflowTest.FakeCallerNotifications();

  @BeforeEach
  void startEnvironment() {
    environment = TestWorkflowEnvironment.newInstance();
    DrydockSearchAttributes.all().forEach(environment::registerSearchAttribute);
    activities = new FakeMigrationActivities();
    Worker worker = environment.newWorker(MigrationWorkflows.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PreImportWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities, notifications);
    environment.start();
  }

  @AfterEach
  void stopEnvironment() {
    environment.close();
  }

  @Test
  void importsTheRepositoryInChunksAndRecordsCompletionWithAFencedCompareAndSet() {
    activities.chunks = from -> chunk(from, 2500);

    ImportResult result = WorkflowStub.fromTyped(start()).getResult(ImportResult.class);

    assertThat(activities.chunkStarts).containsExactly(0L, 1000L, 2000L);
    assertThat(result)
        .isEqualTo(
            new ImportResult(
                MigrationStatus.PRE_IMPORT_COMPLETE, true, null, new ImportCounts(2500, 10, 0)));
    assertThat(activities.finished)
        .containsExactly(
            new StatusTransition(
                "group/project/app",
                "token-1",
                MigrationStatus.PRE_IMPORT_IN_PROGRESS,
                MigrationStatus.PRE_IMPORT_COMPLETE,
                null));
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_complete");
    assertThat(notifications.notified)
        .as("the caller hears of the run's end")
        .containsExactly(REQUEST);
  }

  @Test
  void theProgressQueryReportsTagsDoneOutOfAll() {
    CountDownLatch secondChunkStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    activities.chunks =
        from -> {
          if (from == 1000) {
            secondChunkStarted.countDown();
            await(release);
          }
          return chunk(from, 2500);
        };
    PreImportWorkflow workflow = start();
    await(secondChunkStarted);

    assertThat(workflow.progress()).isEqualTo(new ImportProgress(1000, 2500));

    release.countDown();
    WorkflowStub.fromTyped(workflow).getResult(ImportResult.class);
    assertThat(workflow.progress()).isEqualTo(new ImportProgress(2500, 2500));
  }

  @Test
  void aVeryLargeRepositoryContinuesAsNewAndResumesWhereItStopped() {
    long tags = (PreImportWorkflowImpl.CHUNKS_PER_RUN + 20L) * PreImportWorkflowImpl.TAGS_PER_CHUNK;
    activities.chunks = from -> chunk(from, tags);

    start();

    // After continue-as-new the typed stub's run has ended; the latest run of the id holds the
    // result.
    ImportResult result =
        environment
            .getWorkflowClient()
            .newUntypedWorkflowStub(WORKFLOW_ID)
            .getResult(ImportResult.class);

    assertThat(result.status()).isEqualTo(MigrationStatus.PRE_IMPORT_COMPLETE);
    assertThat(activities.chunkStarts).hasSize(120).doesNotHaveDuplicates();
    assertThat(activities.chunkStarts.get(PreImportWorkflowImpl.CHUNKS_PER_RUN))
        .isEqualTo(100_000L);
    assertThat(activities.finished).hasSize(1);
  }

  @Test
  void transientFailuresAreRetriedThenTheRepositoryIsMarkedFailedWithTheError() {
    activities.chunks =
        from -> {
          throw ApplicationFailure.newFailure("reading tags: disk unavailable", "IOException");
        };

    ImportResult result = WorkflowStub.fromTyped(start()).getResult(ImportResult.class);

    assertThat(activities.chunkStarts).hasSize(5);
    assertThat(result.status()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
    assertThat(result.error()).isEqualTo("reading tags: disk unavailable");
    assertThat(activities.finished)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.next()).isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
              assertThat(t.error()).isEqualTo("reading tags: disk unavailable");
            });
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_failed");
  }

  @Test
  void aFencedOutRunStopsAtOnceAndItsStatusWriteIsRefused() {
    activities.chunks =
        from -> {
          throw ApplicationFailure.newNonRetryableFailure(
              "no longer owned", MigrationFailures.FENCED_OUT);
        };
    activities.finishApplies = false;

    ImportResult result = WorkflowStub.fromTyped(start()).getResult(ImportResult.class);

    assertThat(activities.chunkStarts).hasSize(1);
    assertThat(result.applied()).isFalse();
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_in_progress");
  }

  @Test
  void aSupersededRunDoesNotOverwriteTheStatus() {
    activities.chunks = from -> chunk(from, 10);
    activities.finishApplies = false;

    ImportResult result = WorkflowStub.fromTyped(start()).getResult(ImportResult.class);

    assertThat(result.applied()).isFalse();
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_in_progress");
    assertThat(notifications.notified).as("a superseded run notifies nobody").isEmpty();
  }

  @Test
  void aCanceledRunWaitsForItsActivityToStopThenClosesItselfAndEndsCanceled() {
    CountDownLatch running = new CountDownLatch(1);
    AtomicInteger heartbeatsAfterCancel = new AtomicInteger();
    activities.chunks =
        from -> {
          running.countDown();
          while (true) {
            try {
              Activity.getExecutionContext().heartbeat(null);
            } catch (RuntimeException canceled) {
              heartbeatsAfterCancel.incrementAndGet();
              throw canceled;
            }
            sleep(Duration.ofMillis(50));
          }
        };
    PreImportWorkflow workflow = start();
    await(running);

    WorkflowStub.fromTyped(workflow).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(ImportResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(heartbeatsAfterCancel).as("the activity saw the cancel").hasValue(1);
    assertThat(activities.released).containsExactly(REQUEST);
    assertThat(activities.finished).isEmpty();
    assertThat(notifications.notified).isEmpty();
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_canceled");
  }

  @Test
  void aFailedRunWaitsForAnOperatorsRetryAndRunsTheWorkAgain() {
    AtomicInteger attempts = new AtomicInteger();
    activities.chunks =
        from -> {
          if (attempts.incrementAndGet() <= 5) {
            throw ApplicationFailure.newFailure("registry database unavailable", "SQLException");
          }
          return chunk(from, 10);
        };
    PreImportWorkflow workflow = start(WAITING);
    until(
        () -> "pre_import_failed".equals(migrationStatusAttribute()),
        "the run to record its failure");

    workflow.retry();

    ImportResult result = WorkflowStub.fromTyped(workflow).getResult(ImportResult.class);
    assertThat(result.status()).isEqualTo(MigrationStatus.PRE_IMPORT_COMPLETE);
    assertThat(activities.resumed)
        .containsExactly(
            new StatusTransition(
                "group/project/app",
                "token-1",
                MigrationStatus.PRE_IMPORT_FAILED,
                MigrationStatus.PRE_IMPORT_IN_PROGRESS,
                null));
    assertThat(activities.finished)
        .extracting(StatusTransition::next)
        .containsExactly(MigrationStatus.PRE_IMPORT_FAILED, MigrationStatus.PRE_IMPORT_COMPLETE);
    assertThat(migrationStatusAttribute()).isEqualTo("pre_import_complete");
  }

  @Test
  void aFailedRunStopsWaitingOnCancelOrWhenItsTimeIsUp() {
    activities.chunks =
        from -> {
          throw ApplicationFailure.newNonRetryableFailure(
              "manifest is not JSON", MigrationFailures.INVALID_LEGACY_DATA);
        };
    PreImportWorkflow canceledWhileWaiting = start(WAITING);
    until(() -> activities.finished.size() == 1, "the run to record its failure");

    canceledWhileWaiting.cancel();

    assertThat(WorkflowStub.fromTyped(canceledWhileWaiting).getResult(ImportResult.class).status())
        .isEqualTo(MigrationStatus.PRE_IMPORT_FAILED);
    assertThat(activities.resumed).isEmpty();
  }

  @Test
  void aCancelSignalCancelsTheRepositoryThenStopsTheWork() {
    CountDownLatch running = new CountDownLatch(1);
    activities.chunks =
        from -> {
          running.countDown();
          while (true) {
            Activity.getExecutionContext().heartbeat(null);
            sleep(Duration.ofMillis(50));
          }
        };
    PreImportWorkflow workflow = start(WAITING);
    await(running);

    workflow.cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(ImportResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(activities.canceled).containsExactly(WAITING);
    assertThat(activities.released).containsExactly(WAITING);
  }

  private PreImportWorkflow start() {
    return start(REQUEST);
  }

  private PreImportWorkflow start(ImportRequest request) {
    PreImportWorkflow workflow =
        environment
            .getWorkflowClient()
            .newWorkflowStub(
                PreImportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WORKFLOW_ID)
                    .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(DrydockSearchAttributes.MIGRATION_STATUS, "pre_import_in_progress")
                            .build())
                    .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  private String migrationStatusAttribute() {
    return environment
        .getWorkflowClient()
        .newUntypedWorkflowStub(WORKFLOW_ID)
        .describe()
        .getTypedSearchAttributes()
        .get(DrydockSearchAttributes.MIGRATION_STATUS);
  }

  /**
   * Polls in real time: the activities run on real threads while the test environment skips
   * workflow time.
   */
  private static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  private static ImportChunk chunk(long from, long total) {
    long next = Math.min(total, from + PreImportWorkflowImpl.TAGS_PER_CHUNK);
    return new ImportChunk(next, total, new ImportCounts(next, 10, 0));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static final class FakeCallerNotifications implements CallerNotifications {
    final List<ImportRequest> notified = new CopyOnWriteArrayList<>();

    @Override
    public void notifyCaller(ImportRequest request) {
      notified.add(request);
    }
  }

  /**
   * Records what the workflow asked of its activities; the import itself is whatever a test sets.
   */
  static final class FakeMigrationActivities implements MigrationActivities {
    volatile LongFunction<ImportChunk> chunks;
    volatile Supplier<ImportCounts> finalImport = () -> ImportCounts.NONE;
    volatile boolean finishApplies = true;
    final List<Long> chunkStarts = new CopyOnWriteArrayList<>();
    final List<StatusTransition> finished = new CopyOnWriteArrayList<>();
    final List<ImportRequest> released = new CopyOnWriteArrayList<>();
    final List<StatusTransition> resumed = new CopyOnWriteArrayList<>();
    final List<ImportRequest> canceled = new CopyOnWriteArrayList<>();

    @Override
    public ImportChunk importChunk(ImportRequest request, long fromTag, int maxTags) {
      chunkStarts.add(fromTag);
      return chunks.apply(fromTag);
    }

    @Override
    public ImportChunk importTags(ImportRequest request, long fromTag, long maxTags) {
      return importChunk(request, fromTag, (int) Math.min(maxTags, Integer.MAX_VALUE));
    }

    @Override
    public ImportCounts finalImport(ImportRequest request) {
      return finalImport.get();
    }

    @Override
    public boolean finishRun(StatusTransition transition) {
      finished.add(transition);
      return finishApplies;
    }

    @Override
    public void releaseRun(ImportRequest request) {
      released.add(request);
    }

    @Override
    public boolean resumeRun(StatusTransition transition) {
      resumed.add(transition);
      return true;
    }

    @Override
    public boolean cancelRun(ImportRequest request) {
      canceled.add(request);
      return true;
    }

    @Override
    public ImportCounts preImport(ImportRequest request) {
      throw new UnsupportedOperationException(
          "only runs of DEFAULT_VERSION import in one activity");
    }

    @Override
    public boolean transitionStatus(StatusTransition transition) {
      throw new UnsupportedOperationException("only runs of DEFAULT_VERSION use transitionStatus");
    }
  }
}

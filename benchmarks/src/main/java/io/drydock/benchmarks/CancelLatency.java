package io.drydock.benchmarks;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The cancel measurements: from a DELETE's 202 until the canceled run has closed, until the next
 * PUT is accepted, and Temporal's own floor, a trivial workflow's cancel until its activity has
 * stopped.
 */
final class CancelLatency {
  static final String STOPPED_PATH = "bench/cancel-1";
  static final String PUT_PATH = "bench/cancel-2";
  static final Duration RUNNING_BEFORE_CANCEL = Duration.ofMillis(300);
  private static final Duration STOPPED_POLL = Duration.ofMillis(5);
  private static final Duration PUT_RETRY = Duration.ofMillis(10);
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);

  private final BenchmarkStack stack;
  private final WorkflowClient temporal;
  private final CancelFloorActivitiesImpl floorActivities;
  private int floorRuns;

  CancelLatency(
      BenchmarkStack stack, WorkflowClient temporal, CancelFloorActivitiesImpl floorActivities) {
    this.stack = stack;
    this.temporal = temporal;
    this.floorActivities = floorActivities;
  }

  /** From the DELETE's 202 until the canceled run has marked the repository row closed. */
  long toStopped() {
    startAndCancel(STOPPED_PATH);
    long canceled = System.nanoTime();
    awaitClosed(STOPPED_PATH);
    return System.nanoTime() - canceled;
  }

  record PutAccepted(long nanos, int refusals) {}

  /** From the DELETE's 202 until a PUT retried every {@link #PUT_RETRY} is accepted. */
  PutAccepted toNextPutAccepted() {
    startAndCancel(PUT_PATH);
    long canceled = System.nanoTime();
    int refusals = 0;
    while (true) {
      BenchmarkStack.Answer put = stack.importApi("PUT", PUT_PATH, "?import_type=pre");
      if (put.status() == 202) {
        break;
      }
      if (put.status() != 429
          || !put.errorCode().equals(Optional.of("IMPORT_REPOSITORY_NOT_READY"))) {
        throw new IllegalStateException("PUT after DELETE of " + PUT_PATH + " answered " + put);
      }
      if (System.nanoTime() - canceled > CANCEL_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "no PUT of " + PUT_PATH + " accepted within " + CANCEL_TIMEOUT);
      }
      refusals++;
      LockSupport.parkNanos(PUT_RETRY.toNanos());
    }
    long elapsed = System.nanoTime() - canceled;
    // The accepted PUT started a run: cancel it too, unmeasured, so that the next round starts from
    // a quiet system.
    MigrationBenchmark.expect(stack.importApi("DELETE", PUT_PATH, ""), 202, "DELETE " + PUT_PATH);
    awaitClosed(PUT_PATH);
    return new PutAccepted(elapsed, refusals);
  }

  private void startAndCancel(String path) {
    MigrationBenchmark.expect(
        stack.importApi("PUT", path, "?import_type=pre"), 202, "PUT pre " + path);
    LockSupport.parkNanos(RUNNING_BEFORE_CANCEL.toNanos());
    BenchmarkStack.Answer canceled = stack.importApi("DELETE", path, "");
    MigrationBenchmark.expect(
        canceled, 202, "DELETE " + path + " (a 400 means the pre-import had already finished)");
  }

  private void awaitClosed(String path) {
    MigrationBenchmark.await(
        () -> stack.ownerClosed(path),
        STOPPED_POLL,
        CANCEL_TIMEOUT,
        "the canceled run of " + path + " to close");
  }

  /** From the cancel request's return until the workflow's release activity has run. */
  long floor() {
    String workflowId = "bench-cancel-floor-" + floorRuns++;
    CancelFloorWorkflow workflow =
        temporal.newWorkflowStub(
            CancelFloorWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(CancelFloorWorkflow.TASK_QUEUE)
                .build());
    WorkflowClient.start(workflow::run);
    LockSupport.parkNanos(RUNNING_BEFORE_CANCEL.toNanos());
    temporal.newUntypedWorkflowStub(workflowId).cancel();
    long canceled = System.nanoTime();
    MigrationBenchmark.await(
        () -> floorActivities.hasStopped(workflowId),
        STOPPED_POLL,
        CANCEL_TIMEOUT,
        workflowId + " to stop");
    return System.nanoTime() - canceled;
  }
}

package io.drydock.workflows.scan;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Both scan workflows on a time-skipping test server, with their activities served by one {@link
 * FakeScanStore}.
 */
final class ScanTestEnvironment implements AutoCloseable {
  final FakeScanStore store = new FakeScanStore();
  private final TestWorkflowEnvironment temporal = TestWorkflowEnvironment.newInstance();

  ScanTestEnvironment() {
    DrydockSearchAttributes.all().forEach(temporal::registerSearchAttribute);
    Worker worker = temporal.newWorker(ScanWorkflows.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        RescanWorkflowImpl.class, BulkRescanWorkflowImpl.class);
    worker.registerActivitiesImplementations(store);
    temporal.start();
  }

  @Override
  public void close() {
    temporal.close();
  }

  WorkflowClient client() {
    return temporal.getWorkflowClient();
  }

  static String digest(int number) {
    return String.format("sha256:%064x", number);
  }

  static String layer(String name) {
    return "sha256:layer-" + name;
  }

  RescanWorkflow startRescan(String workflowId, String manifestDigest, boolean force) {
    RescanWorkflow workflow =
        client()
            .newWorkflowStub(
                RescanWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(ScanWorkflows.TASK_QUEUE)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(DrydockSearchAttributes.MANIFEST_DIGEST, manifestDigest)
                            .build())
                    .build());
    WorkflowClient.start(workflow::run, new RescanRequest(manifestDigest, force));
    return workflow;
  }

  /**
   * Runs a rescan as an operator's request does, under the manifest's own workflow id, and waits
   * for its end.
   */
  RescanResult rescan(String manifestDigest) {
    startRescan(ScanWorkflows.rescanWorkflowId(manifestDigest), manifestDigest, false);
    return result(ScanWorkflows.rescanWorkflowId(manifestDigest), RescanResult.class);
  }

  BulkRescanWorkflow startBulk(String name, BulkRescanRequest request) {
    BulkRescanWorkflow workflow =
        client()
            .newWorkflowStub(
                BulkRescanWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(ScanWorkflows.bulkRescanWorkflowId(name))
                    .setTaskQueue(ScanWorkflows.TASK_QUEUE)
                    .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  /**
   * The result of the workflow's latest run: after continue-as-new the first run's stub has no
   * result.
   */
  <T> T result(String workflowId, Class<T> type) {
    return client().newUntypedWorkflowStub(workflowId).getResult(type);
  }

  <T> T searchAttribute(String workflowId, SearchAttributeKey<T> key) {
    return client()
        .newUntypedWorkflowStub(workflowId)
        .describe()
        .getTypedSearchAttributes()
        .get(key);
  }

  List<HistoryEvent> history(String workflowId) {
    return client().fetchHistory(workflowId).getEvents();
  }

  /**
   * Child rescans the workflow started after it received {@code fromSignal} and before {@code
   * untilSignal} (or its end, when null). The history orders them exactly: a signal is recorded
   * before any command that could see it.
   */
  long childrenStartedBetweenSignals(String workflowId, String fromSignal, String untilSignal) {
    boolean received = false;
    long started = 0;
    for (HistoryEvent event : history(workflowId)) {
      String signal =
          event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
              ? event.getWorkflowExecutionSignaledEventAttributes().getSignalName()
              : null;
      if (!received) {
        received = fromSignal.equals(signal);
      } else if (untilSignal != null && untilSignal.equals(signal)) {
        break;
      } else if (event.getEventType()
          == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
        started++;
      }
    }
    if (!received) {
      throw new AssertionError(workflowId + " never received " + fromSignal);
    }
    return started;
  }

  /**
   * Polls in real time: the activities run on real threads while the test server skips workflow
   * time.
   */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(Duration.ofMillis(20).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}

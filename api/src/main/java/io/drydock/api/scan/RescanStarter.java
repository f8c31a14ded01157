package io.drydock.api.scan;

import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.scan.BulkRescanProgress;
import io.drydock.workflows.scan.BulkRescanRequest;
import io.drydock.workflows.scan.BulkRescanWorkflow;
import io.drydock.workflows.scan.IndexerStates;
import io.drydock.workflows.scan.RescanRequest;
import io.drydock.workflows.scan.RescanResult;
import io.drydock.workflows.scan.RescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starts rescans and bulk rescans, and signals and queries the bulk ones. */
public final class RescanStarter {
  private final WorkflowClient client;
  private final Duration indexWait;

  RescanStarter(WorkflowClient client, Duration indexWait) {
    this.client = client;
    this.indexWait = indexWait;
  }

  /** {@code inProgressState} is null when the rescan ended within the wait. */
  record Outcome(RescanResult result, String inProgressState) {}

  /**
   * Starts the manifest's rescan, or joins the one already running (so concurrent requests for a
   * manifest index it once), and waits up to the configured time for it to end.
   */
  Outcome indexAndWait(String digest) {
    RescanWorkflow rescan =
        client.newWorkflowStub(
            RescanWorkflow.class,
            ScanWorkflows.rescanOptions(digest)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrydockSearchAttributes.MANIFEST_DIGEST, digest)
                        .set(DrydockSearchAttributes.SCAN_STATE, IndexerStates.CHECK_MANIFEST)
                        .build())
                .build());
    WorkflowClient.start(rescan::run, new RescanRequest(digest, false));
    WorkflowStub stub = WorkflowStub.fromTyped(rescan);
    try {
      return new Outcome(
          stub.getResult(indexWait.toMillis(), TimeUnit.MILLISECONDS, RescanResult.class), null);
    } catch (TimeoutException e) {
      return new Outcome(null, stub.query("state", String.class));
    }
  }

  /** Starts a bulk rescan; returns its id. */
  String startBulk(String repository, boolean force, int concurrency) {
    String id = UUID.randomUUID().toString();
    BulkRescanWorkflow bulk =
        client.newWorkflowStub(
            BulkRescanWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(ScanWorkflows.TASK_QUEUE)
                .setWorkflowId(ScanWorkflows.bulkRescanWorkflowId(id))
                .build());
    WorkflowClient.start(
        bulk::run, new BulkRescanRequest(repository, force, concurrency, null, null));
    return id;
  }

  /** The bulk rescan's progress; empty when there is no such bulk rescan. */
  Optional<BulkRescanProgress> progress(String id) {
    try {
      return Optional.of(bulkStub(id).progress());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * Sends {@code pause}, {@code resume} or {@code cancel}; false when the bulk rescan is not
   * running.
   */
  boolean signal(String id, String signal) {
    BulkRescanWorkflow bulk = bulkStub(id);
    try {
      switch (signal) {
        case "pause" -> bulk.pause();
        case "resume" -> bulk.resume();
        case "cancel" -> bulk.cancel();
        default -> throw new IllegalArgumentException("unknown signal " + signal);
      }
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  private BulkRescanWorkflow bulkStub(String id) {
    return client.newWorkflowStub(BulkRescanWorkflow.class, ScanWorkflows.bulkRescanWorkflowId(id));
  }
}

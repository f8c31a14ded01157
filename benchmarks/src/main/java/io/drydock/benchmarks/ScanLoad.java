package io.drydock.benchmarks;

import io.drydock.workflows.scan.RescanRequest;
import io.drydock.workflows.scan.RescanResult;
import io.drydock.workflows.scan.RescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rescan backlog that does not drain: one forced rescan of every given manifest in flight at all
 * times, each started again as soon as it ends, through the same workflow ids the API uses, until
 * {@link #stop}.
 */
final class ScanLoad {
  private final WorkflowClient client;
  private final List<String> digests;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  ScanLoad(WorkflowClient client, List<String> digests) {
    this.client = client;
    this.digests = List.copyOf(digests);
  }

  int size() {
    return digests.size();
  }

  /** Rescans that ended since the load was created. */
  long finished() {
    return finished.get();
  }

  /**
   * Rescans whose workflow failed (a rescan records indexing errors and completes, so this stays
   * 0).
   */
  long failed() {
    return failed.get();
  }

  void start() {
    running.set(true);
    digests.forEach(this::rescan);
  }

  /** Starts no more rescans and waits until the running ones have ended. */
  void stop() throws InterruptedException {
    running.set(false);
    synchronized (inFlight) {
      while (inFlight.get() > 0) {
        inFlight.wait();
      }
    }
  }

  private void rescan(String digest) {
    inFlight.incrementAndGet();
    RescanWorkflow rescan =
        client.newWorkflowStub(RescanWorkflow.class, ScanWorkflows.rescanOptions(digest).build());
    WorkflowClient.start(rescan::run, new RescanRequest(digest, true));
    WorkflowStub.fromTyped(rescan)
        .getResultAsync(RescanResult.class)
        .whenComplete(
            (result, failure) -> {
              (failure == null ? finished : failed).incrementAndGet();
              if (running.get()) {
                rescan(digest);
              }
              synchronized (inFlight) {
                inFlight.decrementAndGet();
                inFlight.notifyAll();
              }
            });
  }
}

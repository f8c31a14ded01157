package io.drydock.activities.migration;

import io.drydock.workflows.migration.ImportProgress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Commits batches on a thread of its own, one at a time: the caller reads the next batch meanwhile,
 * and waits for the previous commit before handing over another, so at most two batches are in
 * memory. Closing waits for the commit in flight, so an activity that stops (canceled, failed) has
 * no write left running behind it.
 */
final class BatchWriter implements AutoCloseable {
  private final ImportedMetadataStore store;
  private final IntConsumer manifestsWritten;
  private final String path;
  private final String ownerToken;
  private final ExecutorService thread;
  private volatile ImportProgress committed;
  private Future<?> inFlight = CompletableFuture.completedFuture(null);

  BatchWriter(
      ImportedMetadataStore store,
      String path,
      String ownerToken,
      ImportProgress committed,
      IntConsumer manifestsWritten) {
    this.store = store;
    this.manifestsWritten = manifestsWritten;
    this.path = path;
    this.ownerToken = ownerToken;
    this.committed = committed;
    this.thread =
        Executors.newSingleThreadExecutor(
            runnable -> new Thread(runnable, "import-writer " + path));
  }

  /** The progress of the last batch committed. */
  ImportProgress committed() {
    return committed;
  }

  /**
   * Waits for the previous batch's commit, failing as it failed, then starts committing this one.
   */
  void write(List<ManifestRecord> batch, ImportProgress progress) {
    awaitCommitted();
    inFlight =
        thread.submit(
            () -> {
              store.writeManifests(path, ownerToken, batch, progress);
              manifestsWritten.accept(batch.size());
              committed = progress;
            });
  }

  void awaitCommitted() {
    try {
      inFlight.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("batch write of " + path + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a batch of " + path, e);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    boolean interrupted = false;
    while (!thread.isTerminated()) {
      try {
        thread.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

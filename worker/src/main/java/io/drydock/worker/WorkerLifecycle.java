package io.drydock.worker;

import io.drydock.activities.scan.ScannerUpgradeRescan;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Starts polling once the whole context (database migrations included) is up, then re-indexes every manifest if the
 * scanners changed since the last such rescan; on shutdown stops polling and
 * lets running activity attempts finish for a short while before the process goes.
 */
final class WorkerLifecycle implements SmartLifecycle {
  private static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final WorkerFactory factory;
  private final ScannerUpgradeRescan scannerUpgradeRescan;
  private volatile boolean running;

  WorkerLifecycle(WorkerFactory factory, ScannerUpgradeRescan scannerUpgradeRescan) {
    this.factory = factory;
    this.scannerUpgradeRescan = scannerUpgradeRescan;
  }

  @Override
  public void start() {
    factory.start();
    running = true;
    scannerUpgradeRescan.startIfScannersChanged();
  }

  @Override
  public void stop() {
    factory.shutdown();
    factory.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}

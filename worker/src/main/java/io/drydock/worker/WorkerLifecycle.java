package io.drydock.worker;

import io.drydock.activities.config.TemporalHealthIndicator;
import io.drydock.activities.scan.ScannerUpgradeRescan;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Starts polling once the whole context (database migrations included) is up and the Temporal
 * server answers, after checking the namespace's search attributes, then re-indexes every manifest
 * if the scanners changed since the last such rescan; on shutdown stops polling and lets running
 * activity attempts finish for a short while before the process goes.
 *
 * <p>A worker started while the Temporal server is down still starts, reporting not ready (its
 * readiness includes the connection), and starts polling once the server answers: an orchestrator
 * that starts both at once needs no ordering, and the probes tell what the worker waits for.
 */
final class WorkerLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);
  private static final long SHUTDOWN_GRACE_SECONDS = 10;
  private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(2);

  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final ScannerUpgradeRescan scannerUpgradeRescan;
  private final ApplicationEventPublisher events;
  private final ScheduledExecutorService reconnecting =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "drydock-worker-awaits-temporal");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean running;
  private boolean polling;

  WorkerLifecycle(
      WorkflowClient client,
      WorkerFactory factory,
      ScannerUpgradeRescan scannerUpgradeRescan,
      ApplicationEventPublisher events) {
    this.client = client;
    this.factory = factory;
    this.scannerUpgradeRescan = scannerUpgradeRescan;
    this.events = events;
  }

  /**
   * Polls now if the server answers (a namespace without the search attributes then fails the
   * start), else later.
   */
  @Override
  public synchronized void start() {
    running = true;
    try {
      TemporalHealthIndicator.serverVersion(client.getWorkflowServiceStubs());
    } catch (StatusRuntimeException e) {
      log.warn(
          "the Temporal server at {} does not answer ({}); the worker polls once it does",
          client.getWorkflowServiceStubs().getOptions().getTarget(),
          e.getStatus());
      reconnecting.scheduleWithFixedDelay(
          this::startPollingOnceTemporalAnswers,
          RECONNECT_INTERVAL.toMillis(),
          RECONNECT_INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    startPolling();
  }

  /**
   * A namespace found without the search attributes here leaves the process running but not live,
   * so that it is restarted, and the restarted worker refuses to start naming them.
   */
  private synchronized void startPollingOnceTemporalAnswers() {
    if (!running) {
      return;
    }
    try {
      TemporalHealthIndicator.serverVersion(client.getWorkflowServiceStubs());
    } catch (StatusRuntimeException e) {
      log.debug("the Temporal server still does not answer ({})", e.getStatus());
      return;
    }
    reconnecting.shutdown();
    try {
      startPolling();
      log.info("the Temporal server answers; the worker polls");
    } catch (RuntimeException e) {
      log.error("the worker cannot poll", e);
      AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
    }
  }

  private void startPolling() {
    SearchAttributeCheck.verify(client);
    factory.start();
    polling = true;
    scannerUpgradeRescan.startIfScannersChanged();
  }

  @Override
  public synchronized void stop() {
    reconnecting.shutdownNow();
    if (polling) {
      factory.shutdown();
      factory.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}

package io.drydock.sledagent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running sled agent: the HTTP API on the JDK's server, the reconciler and the depot copier, over
 * one data directory that it locks against a second agent. {@link SledAgentMain} runs one per
 * process; tests and tools may run several in one JVM.
 */
public final class SledAgent implements AutoCloseable {
  private static final Logger log = Logger.getLogger(SledAgent.class.getName());
  // Uploads and downloads hold a thread for their whole transfer; this bounds how many run at once,
  // the rest queue.
  private static final int REQUEST_THREADS = 32;
  private static final int BACKLOG = 128;
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);
  private static final String LOCK_FILE = ".lock";

  private final SledAgentOptions options;
  private final FileChannel lockChannel;
  private final Sled sled;
  private final BandwidthLimiter receiveLimiter;
  private final BandwidthLimiter sendLimiter;
  private final DepotCopier copier;
  private final ScheduledExecutorService reconciler;
  private final ExecutorService requestThreads;
  private final SledApi api;
  private final HttpServer server;

  /** The repo depot's own port, when it has one. */
  private final HttpServer depotServer;

  private SledAgent(SledAgentOptions options, FileChannel lockChannel) throws IOException {
    this.options = options;
    this.lockChannel = lockChannel;
    this.sled = Sled.open(options.dataDir());
    // Leftovers of a crash (temps of interrupted uploads) go before the sled answers anything.
    reconcileAndLog();
    // Bound before any thread starts, so that a port in use fails the start without leaving threads
    // behind.
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), BACKLOG);
    try {
      this.depotServer =
          options.depotPort() == SledAgentOptions.NO_DEPOT_PORT
              ? null
              : HttpServer.create(
                  new InetSocketAddress(InetAddress.getByName(options.bind()), options.depotPort()),
                  BACKLOG);
    } catch (IOException e) {
      server.stop(0);
      throw e;
    }
    this.receiveLimiter = new BandwidthLimiter(options.bandwidthBytesPerSecond());
    this.sendLimiter = new BandwidthLimiter(options.bandwidthBytesPerSecond());
    this.copier = new DepotCopier(options.sledId(), sled, options, receiveLimiter);
    this.reconciler =
        Executors.newSingleThreadScheduledExecutor(daemonThreads(options.sledId() + "-reconciler"));
    this.requestThreads =
        Executors.newFixedThreadPool(REQUEST_THREADS, daemonThreads(options.sledId() + "-http"));
    this.api =
        new SledApi(
            options,
            sled,
            copier,
            receiveLimiter,
            sendLimiter,
            () -> reconciler.execute(this::reconcileAndLog));
    server.createContext("/", api.sledAgentHandler());
    server.setExecutor(requestThreads);
    server.start();
    if (depotServer != null) {
      depotServer.createContext("/", api.repoDepotHandler());
      depotServer.setExecutor(requestThreads);
      depotServer.start();
    }
    long interval = options.reconcileInterval().toMillis();
    reconciler.scheduleWithFixedDelay(
        this::reconcileAndLog, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** Starts an agent; it answers requests once this returns. */
  public static SledAgent start(SledAgentOptions options) throws IOException {
    Files.createDirectories(options.dataDir());
    FileChannel lockChannel =
        FileChannel.open(
            options.dataDir().resolve(LOCK_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    try {
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        throw new IllegalStateException(
            "another sled agent uses the data directory " + options.dataDir());
      }
      return new SledAgent(options, lockChannel);
    } catch (OverlappingFileLockException e) {
      lockChannel.close();
      throw new IllegalStateException(
          "another sled agent of this JVM uses the data directory " + options.dataDir());
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
  }

  public String sledId() {
    return options.sledId();
  }

  /**
   * Where the agent answers, e.g. {@code http://127.0.0.1:12348}; loopback when it listens on every
   * address.
   */
  public URI baseUri() {
    return uri(server.getAddress());
  }

  /** Where the repo depot alone answers, when it has a port of its own. */
  public Optional<URI> depotUri() {
    return Optional.ofNullable(depotServer).map(depot -> uri(depot.getAddress()));
  }

  private static URI uri(InetSocketAddress socket) {
    InetAddress address = socket.getAddress();
    String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + socket.getPort());
  }

  /**
   * Runs the reconciler now, after any run already queued, and returns how many files it deleted.
   */
  int reconcile() {
    try {
      return reconciler.submit(this::reconcileAndLog).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reconciling", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reconciler failed", e.getCause());
    }
  }

  private int reconcileAndLog() {
    try {
      int deleted = sled.reconcile();
      if (deleted > 0) {
        log.info(
            () ->
                options.sledId()
                    + " reconciler deleted "
                    + deleted
                    + " file(s) outside the config");
      }
      return deleted;
    } catch (IOException | RuntimeException e) {
      // Logged and retried on the next run: an exception would end the periodic schedule.
      log.log(Level.WARNING, options.sledId() + " reconciler failed", e);
      return 0;
    }
  }

  BandwidthLimiter receiveLimiter() {
    return receiveLimiter;
  }

  BandwidthLimiter sendLimiter() {
    return sendLimiter;
  }

  DepotCopier copier() {
    return copier;
  }

  /**
   * Stops answering, lets running requests finish for a moment, stops copies and releases the data
   * directory.
   */
  @Override
  public void close() {
    api.drain(STOP_GRACE);
    server.stop(0);
    if (depotServer != null) {
      depotServer.stop(0);
    }
    requestThreads.shutdownNow();
    copier.close();
    reconciler.shutdownNow();
    try {
      lockChannel.close();
    } catch (IOException e) {
      log.log(Level.WARNING, options.sledId() + " could not release " + options.dataDir(), e);
    }
    log.info(() -> options.sledId() + " stopped");
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

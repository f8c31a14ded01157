package io.drydock.testsupport;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Temporal server for tests: the real dev server of the Temporal CLI ({@code temporal server
 * start-dev}) when the CLI is installed, otherwise the SDK's in-JVM Java test server.
 *
 * <p>The real server is preferred because only it has a visibility store (list and query workflows
 * by search attribute) and the Web UI. On CI ({@code CI=true}) the fallback is refused so that a
 * missing CLI cannot silently weaken the suite.
 */
public final class TemporalTestServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalTestServer.class);
  static final String NAMESPACE = "default";
  static final String HOST = "127.0.0.1";
  private static final String INSTALL_HINT =
      "install it with: go install github.com/temporalio/cli/cmd/temporal@v1.5.1 "
          + "(or point TEMPORAL_CLI at the binary)";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * A free port can be taken by another process between probing and binding; the dev server then
   * exits.
   */
  private static final int START_ATTEMPTS = 3;

  private static TemporalTestServer shared;
  private static Map<String, IndexedValueType> sharedAttributes;

  private final int port;
  private final boolean realServer;
  private final boolean searchAttributesSupported;
  private final Optional<String> uiUrl;
  private final Path stateDir;

  /** Starts the server again on its port, after {@link #stopKeepingPort()}. */
  private final Supplier<Object> relaunch;

  /** The dev server's process or the Java test server, null while stopped. */
  private Object running;

  private TemporalTestServer(
      int port,
      boolean realServer,
      boolean searchAttributesSupported,
      Optional<String> uiUrl,
      Object running,
      Path stateDir,
      Supplier<Object> relaunch) {
    this.port = port;
    this.realServer = realServer;
    this.searchAttributesSupported = searchAttributesSupported;
    this.uiUrl = uiUrl;
    this.running = running;
    this.stateDir = stateDir;
    this.relaunch = relaunch;
  }

  /**
   * Starts a server of its own with the given custom search attributes registered in namespace
   * {@code default}. The caller closes it.
   */
  public static TemporalTestServer start(Map<String, IndexedValueType> searchAttributes) {
    Optional<Path> cli = TemporalCli.find();
    if (cli.isPresent()) {
      return startDevServer(cli.get(), searchAttributes);
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true requires the Temporal CLI, but it was found neither in TEMPORAL_CLI, on PATH, in ~/go/bin "
              + "nor in $(go env GOPATH)/bin; "
              + INSTALL_HINT);
    }
    TemporalTestServer server = startJavaTestServer(searchAttributes);
    announce(
        String.format(
            "Java test server fallback (no temporal CLI found; %s) on %s",
            INSTALL_HINT, server.target()));
    return server;
  }

  /**
   * The server shared by every test class of this JVM, started on first use and stopped by a
   * shutdown hook. Do not close it. Every caller must ask for the same search attributes, since
   * they are registered once at start.
   */
  public static synchronized TemporalTestServer shared(
      Map<String, IndexedValueType> searchAttributes) {
    if (shared == null) {
      shared = start(searchAttributes);
      sharedAttributes = Map.copyOf(searchAttributes);
      TemporalTestServer server = shared;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(server::stop, "temporal-test-server-shutdown"));
    } else if (!sharedAttributes.equals(searchAttributes)) {
      throw new IllegalStateException(
          "the shared Temporal test server was started with search attributes "
              + sharedAttributes
              + " but "
              + searchAttributes
              + " were asked for; use one set per JVM");
    }
    return shared;
  }

  /** {@code 127.0.0.1:port} of the frontend gRPC service. */
  public String target() {
    return HOST + ":" + port;
  }

  /** True for the CLI's dev server, false for the Java test server fallback. */
  public boolean isRealServer() {
    return realServer;
  }

  /** The Web UI's base URL, present for the real server only. */
  public Optional<String> uiUrl() {
    return uiUrl;
  }

  public String namespace() {
    return NAMESPACE;
  }

  /**
   * True when workflows can be listed and queried by the custom search attributes (the real
   * server). The Java test server accepts the registration, so starts and upserts that carry the
   * attributes succeed and describe shows them, but it implements neither ListSearchAttributes nor
   * ListWorkflowExecutions/CountWorkflowExecutions, so nothing can be found by them there.
   */
  public boolean searchAttributesSupported() {
    return searchAttributesSupported;
  }

  @Override
  public void close() {
    synchronized (TemporalTestServer.class) {
      if (this == shared) {
        throw new IllegalStateException(
            "the shared Temporal test server is stopped by a JVM shutdown hook");
      }
    }
    stop();
  }

  /**
   * Stops the server as an outage would, until {@link #restart()}: its port stays reserved for it
   * only in that no other test server picks it (ports are probed free), and the dev server keeps
   * its state (namespace, workflows).
   */
  public synchronized void stopKeepingPort() {
    if (running instanceof Process devServer) {
      Os.stopProcessTree(devServer, STOP_GRACE);
    } else if (running instanceof TestServer.PortBoundTestServer javaServer) {
      javaServer.close();
    }
    running = null;
  }

  /**
   * Starts the server stopped by {@link #stopKeepingPort()} again, on the same port, once it
   * answers.
   */
  public synchronized void restart() {
    if (running != null) {
      throw new IllegalStateException("the Temporal test server on " + target() + " is running");
    }
    running = relaunch.get();
  }

  private synchronized void stop() {
    stopKeepingPort();
    if (stateDir != null) {
      Os.deleteRecursively(stateDir);
    }
  }

  private static TemporalTestServer startDevServer(
      Path cli, Map<String, IndexedValueType> searchAttributes) {
    String version = TemporalCli.version(cli);
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      int uiPort = freePort();
      Path stateDir = MemoryTempDirectories.create("temporal-dev-server-");
      Path logFile = Paths.get("target", "temporal-dev-server-" + port + ".log").toAbsolutePath();
      long startedAt = System.nanoTime();
      Supplier<Object> launch =
          () -> {
            Process process =
                TemporalCli.launchDevServer(cli, port, uiPort, stateDir, searchAttributes, logFile);
            try {
              TemporalCli.awaitReady(process, port, searchAttributes, logFile, STARTUP_TIMEOUT);
            } catch (RuntimeException e) {
              Os.stopProcessTree(process, STOP_GRACE);
              throw e;
            }
            return process;
          };
      Process process =
          TemporalCli.launchDevServer(cli, port, uiPort, stateDir, searchAttributes, logFile);
      try {
        TemporalCli.awaitReady(process, port, searchAttributes, logFile, STARTUP_TIMEOUT);
      } catch (RuntimeException e) {
        boolean exitedByItself = !process.isAlive();
        Os.stopProcessTree(process, STOP_GRACE);
        Os.deleteRecursively(stateDir);
        if (exitedByItself && attempt < START_ATTEMPTS) {
          log.warn("temporal server start-dev exited during startup, retrying on other ports", e);
          continue;
        }
        throw e;
      }
      String uiUrl = "http://" + HOST + ":" + uiPort;
      announce(
          String.format(
              "real dev server (temporal CLI %s at %s) on %s:%d, UI %s, ready in %d ms, log %s",
              version, cli, HOST, port, uiUrl, elapsedMillis(startedAt), logFile));
      return new TemporalTestServer(
          port, true, true, Optional.of(uiUrl), process, stateDir, launch);
    }
  }

  /**
   * The fallback on its own; package-private so that its test runs on machines that have the CLI
   * too.
   */
  static TemporalTestServer startJavaTestServer(Map<String, IndexedValueType> searchAttributes) {
    int port = freePort();
    return new TemporalTestServer(
        port,
        false,
        false,
        Optional.empty(),
        bindJavaTestServer(port, searchAttributes),
        null,
        () -> bindJavaTestServer(port, searchAttributes));
  }

  private static TestServer.PortBoundTestServer bindJavaTestServer(
      int port, Map<String, IndexedValueType> searchAttributes) {
    // lockTimeSkipping=true keeps the server in real time, like the dev server; false would let
    // timers jump ahead.
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
    if (!searchAttributes.isEmpty()) {
      WorkflowServiceStubs stubs = connect(port);
      OperatorServiceStubs operator = operatorStubs(stubs);
      try {
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(NAMESPACE)
                    .putAllSearchAttributes(searchAttributes)
                    .build());
      } catch (RuntimeException e) {
        server.close();
        throw e;
      } finally {
        operator.shutdownNow();
        stubs.shutdownNow();
      }
    }
    return server;
  }

  static OperatorServiceStubs operatorStubs(WorkflowServiceStubs stubs) {
    return OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder()
            .setChannel(stubs.getRawChannel())
            .validateAndBuildWithDefaults());
  }

  static WorkflowServiceStubs connect(int port) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(HOST + ":" + port).build());
  }

  private static void announce(String description) {
    String line = "[drydock-tests] Temporal server: " + description;
    log.info(line);
    System.out.println(line);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static long elapsedMillis(long startedAtNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
  }
}

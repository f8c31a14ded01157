package io.drydock.quickstart;

import io.drydock.api.ApiApplication;
import io.drydock.testsupport.MemoryTempDirectories;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drydock as production runs it: the API in this JVM, every worker a JVM of its own started from
 * the worker's executable jar, so that a test can kill, freeze and replace workers, and more API
 * processes from the API's jar, as replicas behind a load balancer. The stack has its own Temporal
 * dev server and database: the in-process worker of {@link DrydockStack}, which another test class
 * of this JVM may have started and which lives as long as the JVM, polls the same task queue on the
 * shared server and would take this stack's tasks.
 */
public final class SeparateWorkersStack implements AutoCloseable {
  /**
   * Built by the worker module's {@code package} phase, which the reactor runs before this module's
   * tests.
   */
  static final Path WORKER_JAR =
      Path.of("../worker/target/drydock-worker-exec.jar").toAbsolutePath().normalize();

  /** Built by the API module's {@code package} phase. */
  static final Path API_JAR =
      Path.of("../api/target/drydock-api-exec.jar").toAbsolutePath().normalize();

  private static final Duration PROCESS_STARTUP = Duration.ofSeconds(90);
  private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port (\\d+)");

  public final TemporalTestServer temporal;
  public final Path legacyRoot;
  public final JdbcClient database;
  public final WorkflowClient workflows;
  private final String jdbcUrl;
  private final Map<String, String> properties;
  private final ConfigurableApplicationContext api;
  private final String baseUrl;

  /** Written by the threads that start processes in parallel. */
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();

  private final CompletableFuture<Void> legacyStorageWritten;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String token =
      DevTokens.operatorToken(
          DrydockStack.TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());

  private SeparateWorkersStack(
      Path legacyRoot,
      Duration cancelGrace,
      Map<String, String> properties,
      CompletableFuture<Void> legacyStorageWritten) {
    requireBuilt(WORKER_JAR);
    this.legacyRoot = legacyRoot;
    this.properties = Map.copyOf(properties);
    this.legacyStorageWritten = legacyStorageWritten;
    try {
      Files.createDirectories(legacyRoot.resolve("docker/registry/v2"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.temporal = TemporalTestServer.start(DrydockSearchAttributes.all());
    try {
      this.jdbcUrl = TestPostgres.freshDatabase();
      List<String> arguments =
          new ArrayList<>(
              List.of(
                  "--server.port=0",
                  "--spring.datasource.url=" + jdbcUrl,
                  "--spring.temporal.connection.target=" + temporal.target(),
                  "--drydock.legacy-storage-root=" + legacyRoot,
                  "--drydock.migration.cancel-grace-deadline=" + cancelGrace.toMillis() + "ms",
                  "--drydock.auth.jwt-secret=" + DrydockStack.TOKEN_SECRET));
      this.properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
      this.api =
          new SpringApplicationBuilder(ApiApplication.class).run(arguments.toArray(String[]::new));
    } catch (RuntimeException e) {
      temporal.close();
      throw e;
    }
    this.database = JdbcClient.create(TestPostgres.dataSource(jdbcUrl));
    this.workflows = api.getBean(WorkflowClient.class);
    this.baseUrl = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port");
  }

  /**
   * A directory for a legacy storage tree of a hundred thousand small files: in memory ({@code
   * /dev/shm}) where there is such a file system, since writing and deleting that many files on a
   * disk takes longer than the test itself.
   */
  public static Path newLegacyRoot(String prefix) {
    return MemoryTempDirectories.create(prefix);
  }

  /**
   * Starts the API with the given cancel grace deadline on {@code legacyRoot}, which the stack
   * deletes when closed. The API only needs the storage's top directory, which this creates, so the
   * caller may still be writing the repositories it imports.
   */
  public static SeparateWorkersStack start(Path legacyRoot, Duration cancelGrace) {
    return start(legacyRoot, cancelGrace, Map.of());
  }

  /**
   * As {@link #start(Path, Duration)}, with Spring properties ({@code
   * drydock.replication.depot-dir}...) that the API and every worker of the stack get: the API as
   * arguments, the workers as system properties.
   */
  public static SeparateWorkersStack start(
      Path legacyRoot, Duration cancelGrace, Map<String, String> properties) {
    return new SeparateWorkersStack(
        legacyRoot, cancelGrace, properties, CompletableFuture.completedFuture(null));
  }

  /**
   * Starts the stack (cancel grace deadline one minute) on a new legacy storage root (see {@link
   * #newLegacyRoot}) while {@code writeLegacyStorage} writes its repositories there, since writing
   * hundreds of images takes about as long as starting the stack. {@link #awaitLegacyStorage()}
   * waits for the writing, and so does {@link #close()}. {@code properties} are Spring properties
   * (such as {@code drydock.scan.statement-timeout}) that the API of this JVM and every worker and
   * API process of the stack run with.
   */
  public static SeparateWorkersStack startWriting(
      String legacyRootPrefix, Consumer<Path> writeLegacyStorage, Map<String, String> properties) {
    Path legacyRoot = newLegacyRoot(legacyRootPrefix);
    CompletableFuture<Void> written =
        CompletableFuture.runAsync(() -> writeLegacyStorage.accept(legacyRoot));
    try {
      return new SeparateWorkersStack(legacyRoot, Duration.ofSeconds(60), properties, written);
    } catch (RuntimeException e) {
      written.handle((done, failure) -> done).join();
      throw e;
    }
  }

  /**
   * Waits until the repositories given to {@link #startWriting} are written; rethrows what failed
   * writing them.
   */
  public void awaitLegacyStorage() {
    legacyStorageWritten.join();
  }

  /** The JDBC URL of the stack's database (user postgres, no password). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The base URL of the API in this JVM. */
  public String baseUrl() {
    return baseUrl;
  }

  /** A worker on this stack's database, Temporal server and legacy storage, once it polls. */
  public WorkerProcess startWorker(String name) {
    return startWorker(name, temporal.target(), List.of());
  }

  /**
   * A worker that reaches Temporal at {@code temporalTarget} and runs with extra JVM options, once
   * it polls. Its output goes to {@code target/worker-<name>.log}. Its management port is a free
   * one: a frozen worker keeps its port while the next one starts.
   */
  public WorkerProcess startWorker(String name, String temporalTarget, List<String> jvmOptions) {
    Path log = Path.of("target", "worker-" + name + ".log").toAbsolutePath();
    List<String> options = new ArrayList<>(List.of("-Dserver.port=0"));
    options.addAll(jvmOptions);
    WorkerProcess worker =
        new WorkerProcess(name, launch(WORKER_JAR, temporalTarget, options, log), log);
    processes.add(worker);
    worker.awaitStarted("Started WorkerApplication");
    return worker;
  }

  /**
   * Another API process, started from the API's executable jar on a free port, with this stack's
   * database, Temporal server, legacy storage, token secret and properties, once it serves. Its
   * output goes to {@code target/api-<name>.log}.
   */
  public ApiProcess startApi(String name) {
    requireBuilt(API_JAR);
    Path log = Path.of("target", "api-" + name + ".log").toAbsolutePath();
    ApiProcess api =
        new ApiProcess(
            name,
            launch(
                API_JAR,
                temporal.target(),
                List.of(
                    "-Dserver.port=0", "-Ddrydock.auth.jwt-secret=" + DrydockStack.TOKEN_SECRET),
                log),
            log);
    processes.add(api);
    api.awaitStarted("Started ApiApplication");
    return api;
  }

  private Process launch(Path jar, String temporalTarget, List<String> jvmOptions, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .putAll(
            Map.of(
                "SPRING_DATASOURCE_URL",
                jdbcUrl,
                "SPRING_DATASOURCE_USERNAME",
                "postgres",
                "SPRING_DATASOURCE_PASSWORD",
                "",
                "TEMPORAL_ADDRESS",
                temporalTarget,
                "DRYDOCK_LEGACY_STORAGE_ROOT",
                legacyRoot.toString()));
    try {
      Files.createDirectories(log.getParent());
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  private static void requireBuilt(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it first (./mvnw install -DskipTests, or run the tests with ./mvnw verify)");
    }
  }

  public HttpResponse<String> request(String method, String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + token)
            .build());
  }

  /** A request with a body of the given content type, with the operator token. */
  public HttpResponse<String> request(
      String method, String pathAndQuery, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .build());
  }

  /**
   * Saves the history of the workflow's latest run under target/recorded-histories, as {@link
   * DrydockStack#recordHistory} does for the shared stack.
   */
  public void recordHistory(String workflowId, String fileName) {
    try {
      Path directory = Files.createDirectories(Path.of("target/recorded-histories"));
      Files.writeString(
          directory.resolve(fileName), workflows.fetchHistory(workflowId).toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String status(String path) {
    return database
        .sql("SELECT migration_status FROM repositories WHERE path = ?")
        .param(path)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  public long count(String sql, String path) {
    return database.sql(sql).param(path).query(Long.class).single();
  }

  public long manifests(String path) {
    return count(
        "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = ?",
        path);
  }

  @Override
  public void close() {
    legacyStorageWritten.handle((done, failure) -> done).join();
    processes.forEach(JavaProcess::kill);
    try {
      api.close();
    } finally {
      temporal.close();
      deleteRecursively(legacyRoot);
    }
  }

  public static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  /** A worker JVM that the test can kill and freeze as the kernel would: with signals. */
  public static final class WorkerProcess extends JavaProcess {
    private WorkerProcess(String name, Process process, Path log) {
      super(name, process, log);
    }
  }

  /** An API JVM of its own, serving on {@link #baseUrl}. */
  public static final class ApiProcess extends JavaProcess {
    private String baseUrl;

    private ApiProcess(String name, Process process, Path log) {
      super(name, process, log);
    }

    public String baseUrl() {
      return baseUrl;
    }

    @Override
    void awaitStarted(String startedLine) {
      super.awaitStarted(startedLine);
      Matcher port = TOMCAT_PORT.matcher(logText());
      if (!port.find()) {
        throw new IllegalStateException("API " + name + " started but logged no port; see " + log);
      }
      baseUrl = "http://127.0.0.1:" + port.group(1);
    }
  }

  /** A JVM of the stack that the test can kill and freeze as the kernel would: with signals. */
  abstract static class JavaProcess {
    final String name;
    public final Path log;
    private final Process process;

    private JavaProcess(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    public long pid() {
      return process.pid();
    }

    /**
     * SIGKILL, frozen or not: no shutdown hook, no graceful stop of the worker, no rollback sent to
     * the database.
     */
    public void kill() {
      process.destroyForcibly();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /**
     * SIGSTOP: the process keeps its sockets and locks but runs no instruction until {@link
     * #resume()}.
     */
    public void freeze() {
      signal("STOP");
    }

    /** SIGCONT. */
    public void resume() {
      signal("CONT");
    }

    public String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Spring Boot logs the start once the context is up, and with it the lifecycle bean that starts
     * polling (a worker) or the web server (an API).
     */
    void awaitStarted(String startedLine) {
      Instant deadline = Instant.now().plus(PROCESS_STARTUP);
      while (!logText().contains(startedLine)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + "; see " + log);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              name + " not started within " + PROCESS_STARTUP + "; see " + log);
        }
        sleep(Duration.ofMillis(100));
      }
    }

    private void signal(String signal) {
      try {
        Process kill =
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

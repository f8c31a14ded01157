package io.drydock.quickstart;

import io.drydock.api.ApiApplication;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drydock as production runs it: the API in this JVM, every worker a JVM of its own started from the worker's
 * executable jar, so that a test can kill, freeze and replace workers. The stack has its own Temporal dev server and
 * database: the in-process worker of {@link DrydockStack}, which another test class of this JVM may have started and
 * which lives as long as the JVM, polls the same task queue on the shared server and would take this stack's tasks.
 */
final class SeparateWorkersStack implements AutoCloseable {
  /** Built by the worker module's {@code package} phase, which the reactor runs before this module's tests. */
  static final Path WORKER_JAR = Path.of("../worker/target/drydock-worker-exec.jar").toAbsolutePath().normalize();

  private static final Duration WORKER_STARTUP = Duration.ofSeconds(90);

  final TemporalTestServer temporal;
  final Path legacyRoot;
  final JdbcClient database;
  final WorkflowClient workflows;
  private final String jdbcUrl;
  private final ConfigurableApplicationContext api;
  private final String baseUrl;
  private final Map<String, String> properties;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String token =
      DevTokens.operatorToken(DrydockStack.TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());

  private SeparateWorkersStack(Path legacyRoot, Duration cancelGrace, Map<String, String> properties) {
    if (!Files.isRegularFile(WORKER_JAR)) {
      throw new IllegalStateException(
          WORKER_JAR + " is missing: build it first (./mvnw install -DskipTests, or run the tests with ./mvnw verify)");
    }
    this.legacyRoot = legacyRoot;
    this.properties = Map.copyOf(properties);
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
      this.api = new SpringApplicationBuilder(ApiApplication.class).run(arguments.toArray(String[]::new));
    } catch (RuntimeException e) {
      temporal.close();
      throw e;
    }
    this.database = JdbcClient.create(TestPostgres.dataSource(jdbcUrl));
    this.workflows = api.getBean(WorkflowClient.class);
    this.baseUrl = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port");
  }

  /**
   * A directory for a legacy storage tree of a hundred thousand small files: in memory ({@code /dev/shm}) where there
   * is such a file system, since writing and deleting that many files on a disk takes longer than the test itself.
   */
  static Path newLegacyRoot(String prefix) {
    Path memory = Path.of("/dev/shm");
    try {
      return Files.isDirectory(memory) && Files.isWritable(memory)
          ? Files.createTempDirectory(memory, prefix)
          : Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the API with the given cancel grace deadline on {@code legacyRoot}, which the stack deletes when closed.
   * The API only needs the storage's top directory, which this creates, so the caller may still be writing the
   * repositories it imports.
   */
  static SeparateWorkersStack start(Path legacyRoot, Duration cancelGrace) {
    return start(legacyRoot, cancelGrace, Map.of());
  }

  /**
   * As {@link #start(Path, Duration)}, with Spring properties ({@code drydock.replication.depot-dir}...) that the API
   * and every worker of the stack get: the API as arguments, the workers as system properties.
   */
  static SeparateWorkersStack start(Path legacyRoot, Duration cancelGrace, Map<String, String> properties) {
    return new SeparateWorkersStack(legacyRoot, cancelGrace, properties);
  }

  /** A worker on this stack's database, Temporal server and legacy storage, once it polls. */
  WorkerProcess startWorker(String name) {
    return startWorker(name, temporal.target(), List.of());
  }

  /**
   * A worker that reaches Temporal at {@code temporalTarget} and runs with extra JVM options, once it polls. Its
   * output goes to {@code target/worker-<name>.log}.
   */
  WorkerProcess startWorker(String name, String temporalTarget, List<String> jvmOptions) {
    Path log = Path.of("target", "worker-" + name + ".log").toAbsolutePath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    properties.forEach((property, value) -> command.add("-D" + property + "=" + value));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", WORKER_JAR.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .putAll(
            Map.of(
                "SPRING_DATASOURCE_URL", jdbcUrl,
                "SPRING_DATASOURCE_USERNAME", "postgres",
                "SPRING_DATASOURCE_PASSWORD", "",
                "TEMPORAL_ADDRESS", temporalTarget,
                "DRYDOCK_LEGACY_STORAGE_ROOT", legacyRoot.toString()));
    WorkerProcess worker;
    try {
      Files.createDirectories(log.getParent());
      worker = new WorkerProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    workers.add(worker);
    worker.awaitStarted();
    return worker;
  }

  HttpResponse<String> request(String method, String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + token)
            .build());
  }

  /** A request with a body of the given content type, with the operator token. */
  HttpResponse<String> request(String method, String pathAndQuery, String contentType, byte[] body) {
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
  void recordHistory(String workflowId, String fileName) {
    try {
      Path directory = Files.createDirectories(Path.of("target/recorded-histories"));
      Files.writeString(directory.resolve(fileName), workflows.fetchHistory(workflowId).toJson(true));
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

  String status(String path) {
    return database.sql("SELECT migration_status FROM repositories WHERE path = ?")
        .param(path)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  long count(String sql, String path) {
    return database.sql(sql).param(path).query(Long.class).single();
  }

  long manifests(String path) {
    return count("SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = ?",
        path);
  }

  @Override
  public void close() {
    workers.forEach(WorkerProcess::kill);
    try {
      api.close();
    } finally {
      temporal.close();
      deleteRecursively(legacyRoot);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  /** A worker JVM that the test can kill and freeze as the kernel would: with signals. */
  static final class WorkerProcess {
    final String name;
    final Path log;
    private final Process process;

    private WorkerProcess(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    long pid() {
      return process.pid();
    }

    /** SIGKILL, frozen or not: no shutdown hook, no graceful stop of the worker, no rollback sent to the database. */
    void kill() {
      process.destroyForcibly();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("worker " + name + " (pid " + pid() + ") survived SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** SIGSTOP: the process keeps its sockets and locks but runs no instruction until {@link #resume()}. */
    void freeze() {
      signal("STOP");
    }

    /** SIGCONT. */
    void resume() {
      signal("CONT");
    }

    String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Spring Boot logs the start once the context is up, and with it the lifecycle bean that starts polling. */
    private void awaitStarted() {
      Instant deadline = Instant.now().plus(WORKER_STARTUP);
      while (!logText().contains("Started WorkerApplication")) {
        if (!process.isAlive()) {
          throw new IllegalStateException("worker " + name + " exited with " + process.exitValue() + "; see " + log);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("worker " + name + " not started within " + WORKER_STARTUP + "; see " + log);
        }
        sleep(Duration.ofMillis(100));
      }
    }

    private void signal(String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
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

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

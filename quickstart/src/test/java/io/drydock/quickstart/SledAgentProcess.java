package io.drydock.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A sled agent as operators run it: a JVM of its own from the sled-agent module's executable jar,
 * on loopback, with a data directory of its own, which a test can SIGKILL and start again on the
 * same directory and port.
 */
public final class SledAgentProcess implements AutoCloseable {
  /**
   * Built by the sled-agent module's {@code package} phase, which the reactor runs before this
   * module's tests.
   */
  static final Path JAR =
      Path.of("../sled-agent/target/drydock-sled-agent.jar").toAbsolutePath().normalize();

  private static final Pattern READY =
      Pattern.compile("sled-agent (\\S+) listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(REQUEST_TIMEOUT)
          .build();

  public final String id;
  public final Path dataDir;
  private final List<String> arguments;
  private volatile Process process;
  private volatile int port;
  private volatile Path logFile;
  private int starts;

  /**
   * What {@code GET /artifacts} answered: the config generation and, per artifact, the disks
   * holding it.
   */
  public record Listing(long generation, Map<String, Integer> copies) {}

  private SledAgentProcess(String id, Path dataDir, List<String> arguments) {
    this.id = id;
    this.dataDir = dataDir;
    this.arguments = List.copyOf(arguments);
  }

  /**
   * Starts the agents at once (each JVM takes about a second to answer) and returns them once all
   * answer, each on a free port and in {@code <parent>/<id>}.
   */
  public static List<SledAgentProcess> startAll(
      Path parent, List<String> ids, String... arguments) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: build it first (./mvnw -pl worker,api,sled-agent -am package -DskipTests)");
    }
    List<SledAgentProcess> sleds = new ArrayList<>();
    for (String id : ids) {
      SledAgentProcess sled = new SledAgentProcess(id, parent.resolve(id), List.of(arguments));
      sled.launch(0);
      sleds.add(sled);
    }
    sleds.forEach(SledAgentProcess::awaitReady);
    return sleds;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL, as a power cut stops a sled: no shutdown hook, an upload in progress leaves its temp
   * files.
   */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "sled " + id + " (pid " + process.pid() + ") survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the agent again on its data directory and port, as a rebooted sled comes back, and
   * returns once it answers. The port can stay taken for a moment after a kill, so a start that
   * could not bind is tried again.
   */
  public void restart() {
    if (isAlive()) {
      throw new IllegalStateException("sled " + id + " is still running");
    }
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      launch(port);
      try {
        awaitReady();
        return;
      } catch (IllegalStateException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        SeparateWorkersStack.sleep(Duration.ofMillis(500));
      }
    }
  }

  /**
   * {@code POST /faults}: e.g. {@code {"delay_ms": 500}}; the agents run with {@code
   * --enable-fault-injection}.
   */
  public void injectFaults(String faults) {
    HttpResponse<String> answer = send("POST", "/faults", faults);
    if (answer.statusCode() != 204) {
      throw new IllegalStateException(
          "sled " + id + " refused faults " + faults + ": " + answer.body());
    }
  }

  public void clearFaults() {
    HttpResponse<String> answer = send("DELETE", "/faults", null);
    if (answer.statusCode() != 204) {
      throw new IllegalStateException("sled " + id + " did not clear its faults: " + answer.body());
    }
  }

  /** {@code GET /artifacts}, failing on anything but 200. */
  public Listing listing() {
    HttpResponse<String> answer = send("GET", "/artifacts", null);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(
          "sled " + id + " answered GET /artifacts " + answer.statusCode());
    }
    JsonNode body = DrydockStack.json(answer);
    Map<String, Integer> copies = new TreeMap<>();
    body.path("list")
        .properties()
        .forEach(entry -> copies.put(entry.getKey(), entry.getValue().asInt()));
    return new Listing(body.path("generation").asLong(), copies);
  }

  /**
   * The listing, or empty when the sled does not answer it (killed, or failing requests on
   * purpose).
   */
  public Optional<Listing> tryListing() {
    try {
      return Optional.of(listing());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code PUT /artifacts-config}, as a control plane sends it. */
  public HttpResponse<String> putConfig(long generation, Collection<String> artifacts) {
    String body;
    try {
      body =
          JSON.writeValueAsString(
              Map.of("generation", generation, "artifacts", List.copyOf(artifacts)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send("PUT", "/artifacts-config", body);
  }

  /**
   * The artifacts with a complete copy on either disk. The agent writes each copy to a temp file
   * and renames it to its hash only once the bytes hash to it, so a file named by its hash is a
   * verified copy, whether the agent runs.
   */
  public Set<String> artifactsOnDisk() {
    Set<String> onDisk = new TreeSet<>();
    for (String disk : List.of("disk0", "disk1")) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir.resolve(disk))) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (SHA256.matcher(name).matches()) {
            onDisk.add(name);
          }
        }
      } catch (NoSuchFileException e) {
        // Not started yet, or a disk lost: it holds nothing.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return onDisk;
  }

  /** How many of the two disks hold a complete copy of the artifact. */
  public int copiesOnDisk(String sha256) {
    return (int)
        Stream.of("disk0", "disk1")
            .filter(disk -> Files.isRegularFile(dataDir.resolve(disk).resolve(sha256)))
            .count();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return id + "@" + baseUrl();
  }

  private void launch(int port) {
    starts++;
    Path log = Path.of("target", "sled-" + id + "-" + starts + ".log").toAbsolutePath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As the sled-agent module's streaming test shows, 64 MiB is plenty: artifacts are streamed,
    // never buffered.
    command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    command.addAll(List.of("--sled-id=" + id, "--port=" + port, "--data-dir=" + dataDir));
    command.addAll(arguments);
    try {
      Files.createDirectories(log.getParent());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    logFile = log;
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      Matcher ready = READY.matcher(readLog());
      if (ready.find()) {
        port = Integer.parseInt(ready.group(2));
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "sled " + id + " exited with " + process.exitValue() + ": " + readLog());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "sled " + id + " not ready within " + STARTUP + "; see " + logFile);
      }
      SeparateWorkersStack.sleep(Duration.ofMillis(50));
    }
  }

  private String readLog() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(String method, String path, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .timeout(REQUEST_TIMEOUT)
            // The sled agent API version the agent implements; without it the agent answers 400, as
            // dropshot does.
            .header("api-version", "48.0.0")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " to sled " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.drydock.sledagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The executable jar run as a child process, as operators and the quick start run it, so a test can
 * signal it.
 */
final class SledProcess implements AutoCloseable {
  /**
   * Built by the package phase, which Maven runs before the integration-test phase that runs the
   * jar tests.
   */
  static final Path JAR = Path.of("target/drydock-sled-agent.jar").toAbsolutePath();

  private static final Pattern READY =
      Pattern.compile("sled-agent (\\S+) listening on (http://\\S+)");

  final Process process;
  final Path log;
  final URI baseUri;

  private SledProcess(Process process, Path log, URI baseUri) {
    this.process = process;
    this.log = log;
    this.baseUri = baseUri;
  }

  /**
   * Starts the jar and returns once it printed its ready line. Its output goes to {@code
   * target/sled-<id>-N.log}.
   */
  static SledProcess start(String sledId, Path dataDir, List<String> jvmOptions, String... args) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run the jar tests with ./mvnw verify");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar", JAR.toString(), "--sled-id=" + sledId, "--port=0", "--data-dir=" + dataDir));
    command.addAll(List.of(args));
    try {
      Path log =
          Files.createTempFile(Path.of("target"), "sled-" + sledId + "-", ".log").toAbsolutePath();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      String[] baseUri = new String[1];
      SledClient.await(
          "the sled agent printed its ready line (log: " + log + ")",
          () -> {
            Matcher ready = READY.matcher(read(log));
            if (ready.find()) {
              baseUri[0] = ready.group(2);
              return true;
            }
            if (!process.isAlive()) {
              throw new IllegalStateException("the sled agent exited early:\n" + read(log));
            }
            return false;
          });
      return new SledProcess(process, log, URI.create(baseUri[0]));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  SledClient client() {
    return new SledClient(baseUri);
  }

  /** SIGKILL, as a power cut would stop it: no shutdown hook runs. Returns the exit code. */
  int kill() {
    process.destroyForcibly();
    return awaitExit();
  }

  /** SIGTERM, as an orderly shutdown asks. Returns the exit code. */
  int terminate() {
    process.destroy();
    return awaitExit();
  }

  private int awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the sled agent did not exit; log:\n" + read(log));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String output() {
    return read(log);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}

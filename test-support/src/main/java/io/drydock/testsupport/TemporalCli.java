package io.drydock.testsupport;

import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal CLI's dev server: where the CLI is, which version it is, and running it until it
 * answers.
 */
final class TemporalCli {
  private TemporalCli() {}

  static Optional<Path> find() {
    String configured = System.getenv("TEMPORAL_CLI");
    if (configured != null && !configured.isBlank()) {
      Path path = Paths.get(configured);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(
            "TEMPORAL_CLI=" + configured + " is not an executable file");
      }
      return Optional.of(path);
    }
    Optional<Path> onPath = Os.onPath("temporal");
    if (onPath.isPresent()) {
      return onPath;
    }
    Path inHomeGoBin = Paths.get(System.getProperty("user.home"), "go", "bin", "temporal");
    if (Files.isExecutable(inHomeGoBin)) {
      return Optional.of(inHomeGoBin);
    }
    return Os.onPath("go")
        .flatMap(go -> Os.output(List.of(go.toString(), "env", "GOPATH"), Duration.ofSeconds(30)))
        .map(String::strip)
        .filter(gopath -> !gopath.isEmpty())
        .map(gopath -> Paths.get(gopath.split(File.pathSeparator)[0], "bin", "temporal"))
        .filter(Files::isExecutable);
  }

  /** "temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)" with the leading words dropped. */
  static String version(Path cli) {
    return Os.output(List.of(cli.toString(), "--version"), Duration.ofSeconds(30))
        .map(String::strip)
        .map(v -> v.replaceFirst("^temporal version ", ""))
        .orElse("of unknown version");
  }

  /** The names that the dev server's --search-attribute NAME=TYPE flag accepts. */
  private static String cliTypeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> throw new IllegalArgumentException("no search attribute type " + type);
    };
  }

  static Process launchDevServer(
      Path cli,
      int port,
      int uiPort,
      Path stateDir,
      Map<String, IndexedValueType> searchAttributes,
      Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(cli.toString());
    command.addAll(
        List.of(
            "server",
            "start-dev",
            "--ip",
            TemporalTestServer.HOST,
            "--port",
            Integer.toString(port),
            "--ui-port",
            Integer.toString(uiPort),
            "--db-filename",
            stateDir.resolve("temporal.db").toString(),
            "--namespace",
            TemporalTestServer.NAMESPACE,
            "--log-level",
            "warn"));
    searchAttributes.forEach(
        (name, type) -> {
          command.add("--search-attribute");
          command.add(name + "=" + cliTypeName(type));
        });
    try {
      Files.createDirectories(logFile.getParent());
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    }
  }

  /**
   * Search attributes are registered asynchronously, so the frontend can answer before they exist;
   * both are awaited, since a test that starts a workflow with an attribute right away would
   * otherwise be rejected.
   */
  static void awaitReady(
      Process process,
      int port,
      Map<String, IndexedValueType> searchAttributes,
      Path logFile,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    WorkflowServiceStubs stubs = TemporalTestServer.connect(port);
    try {
      OperatorServiceStubs operator = TemporalTestServer.operatorStubs(stubs);
      try {
        String lastError = "no answer yet";
        while (true) {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "temporal server start-dev exited with code "
                    + process.exitValue()
                    + "; log "
                    + logFile
                    + ":\n"
                    + Os.tail(logFile));
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "temporal server start-dev on port "
                    + port
                    + " not ready within "
                    + timeout
                    + " ("
                    + lastError
                    + "); log "
                    + logFile
                    + ":\n"
                    + Os.tail(logFile));
          }
          try {
            stubs
                .blockingStub()
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .describeNamespace(
                    DescribeNamespaceRequest.newBuilder()
                        .setNamespace(TemporalTestServer.NAMESPACE)
                        .build());
            Map<String, IndexedValueType> registered =
                operator
                    .blockingStub()
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .listSearchAttributes(
                        ListSearchAttributesRequest.newBuilder()
                            .setNamespace(TemporalTestServer.NAMESPACE)
                            .build())
                    .getCustomAttributesMap();
            if (registered.entrySet().containsAll(searchAttributes.entrySet())) {
              return;
            }
            lastError = "custom search attributes so far: " + registered;
          } catch (StatusRuntimeException e) {
            lastError = e.getStatus().toString();
          }
          Os.sleep(Duration.ofMillis(100));
        }
      } finally {
        operator.shutdownNow();
      }
    } finally {
      stubs.shutdownNow();
    }
  }
}

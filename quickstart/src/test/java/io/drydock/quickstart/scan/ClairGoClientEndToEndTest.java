package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Drydock as Clair's services call it: the Go test in {@code src/test/go/clairclient} sends the
 * requests of Clair's own HTTP client, signed with the PSK as Clair's signer signs them, and
 * decodes every answer with claircore's types. It needs {@code go} on PATH (its modules come from
 * the Go module proxy, as go.sum pins them); without it the test is skipped, except on CI
 * (CI=true), where that is a failure.
 */
class ClairGoClientEndToEndTest {
  private static final Path MODULE = Path.of("src/test/go/clairclient");

  /** The first run downloads and compiles claircore; later runs hit the Go build cache. */
  private static final Duration GO_TEST_TIMEOUT = Duration.ofMinutes(5);

  private static final String REPOSITORY = "clairgo/debian";

  @Test
  void clairsClientIsAnsweredAsClairsServerWouldAnswerIt() throws Exception {
    Optional<Path> go = onPath("go");
    if (go.isEmpty()) {
      assertThat(System.getenv("CI"))
          .as("go must be on PATH on CI: the Go client test cannot be skipped there")
          .isNotEqualTo("true");
      Assumptions.abort(
          "go is not on PATH: the Clair Go client test (" + MODULE + ") does not run");
    }
    DrydockStack stack = DrydockStack.shared();
    String digest = new ScanTestClient(stack.baseUrl).importCopy(stack, "demo/debian", REPOSITORY);

    ProcessBuilder goTest =
        new ProcessBuilder(go.get().toString(), "test", "-count=1", "-v", "./...")
            .directory(MODULE.toFile())
            .redirectErrorStream(true);
    goTest
        .environment()
        .putAll(
            Map.of(
                "DRYDOCK_URL",
                stack.baseUrl,
                "DRYDOCK_CLAIR_PSK",
                Base64.getEncoder().encodeToString(DrydockStack.CLAIR_PSK),
                "DRYDOCK_MANIFEST",
                digest,
                "DRYDOCK_LAYERS",
                String.join(",", layers(stack, digest))));
    Process process = goTest.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process));
    boolean exited = process.waitFor(GO_TEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String log = output.get(10, TimeUnit.SECONDS);
    System.out.println("[drydock-tests] go test " + MODULE + ":\n" + log);

    assertThat(exited).as("go test ended within " + GO_TEST_TIMEOUT + ":\n" + log).isTrue();
    assertThat(process.exitValue()).as(log).isZero();
    assertThat(log)
        .as("the Go test ran rather than skipped")
        .contains("--- PASS: TestClairIndexerClient ");
    assertThat(log).as("no part of it skipped").doesNotContain("--- SKIP");
  }

  private static List<String> layers(DrydockStack stack, String digest) {
    List<String> layers = new ArrayList<>();
    stack
        .manifest(digest)
        .path("layers")
        .forEach(layer -> layers.add(layer.path("digest").asText()));
    return layers;
  }

  private static Optional<Path> onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(directory -> !directory.isEmpty())
        .map(directory -> Path.of(directory, command))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static String read(Process process) {
    try {
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

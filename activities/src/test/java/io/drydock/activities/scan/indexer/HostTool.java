package io.drydock.activities.scan.indexer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A program of the machine the tests run on (dpkg-query, sh), used as the reference the scanners
 * must agree with. On machines without it, tests compare with the output it gave when the expected
 * resource was committed, and say so.
 */
final class HostTool {
  private HostTool() {}

  /** The lines {@code command} prints, or empty when its program is not on the PATH. */
  static Optional<List<String>> outputLines(String... command) {
    if (!onPath(command[0])) {
      System.out.println(
          "[scan-tests] "
              + command[0]
              + " not found; comparing with the committed expected output");
      return Optional.empty();
    }
    System.out.println(
        "[scan-tests] comparing with the output of " + command[0] + " on this machine");
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
      }
      return Optional.of(out.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The values {@code sh} gives shell variables after sourcing the test resource {@code resource}
   * (an os-release file): those in {@code names} and those of the committed {@code
   * <resource>.sh-expected}, which is the answer itself on machines without {@code sh}.
   */
  static Map<String, String> sourcedVariables(String resource, Collection<String> names) {
    Map<String, String> committed =
        assignments(TestLayer.resource(resource + ".sh-expected").lines().toList());
    Set<String> all = new TreeSet<>(names);
    all.addAll(committed.keySet());
    List<String> command =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                ". \"$1\"; shift; for k; do eval \"v=\\${$k-}\"; printf '%s=%s\\n' \"$k\" \"$v\"; done",
                "sh",
                TestLayer.resourcePath(resource).toString()));
    command.addAll(all);
    return outputLines(command.toArray(String[]::new)).map(HostTool::assignments).orElse(committed);
  }

  private static Map<String, String> assignments(List<String> lines) {
    Map<String, String> values = new TreeMap<>();
    lines.forEach(
        line ->
            values.put(
                line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
    return values;
  }

  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
}

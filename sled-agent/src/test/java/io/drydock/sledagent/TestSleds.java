package io.drydock.sledagent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Starts in-process agents on any free port and a test's directory. */
final class TestSleds {
  private TestSleds() {}

  static SledAgent start(String sledId, Path dataDir, String... extraArgs) {
    List<String> args =
        new ArrayList<>(List.of("--sled-id=" + sledId, "--port=0", "--data-dir=" + dataDir));
    args.addAll(List.of(extraArgs));
    try {
      return SledAgent.start(SledAgentOptions.parse(args, Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SledClient client(SledAgent agent) {
    return new SledClient(agent.baseUri());
  }

  /** Names of the files on one of a sled's disks: artifacts and temps alike. */
  static List<String> filesOn(Path dataDir, String disk) {
    Path directory = dataDir.resolve(disk);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

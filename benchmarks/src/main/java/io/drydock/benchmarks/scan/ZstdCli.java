package io.drydock.benchmarks.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code zstd} command as the floor of zstd decompression: native code writing to /dev/null.
 */
final class ZstdCli {
  private ZstdCli() {}

  static boolean available() {
    try {
      return run(List.of("zstd", "--version")) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  static String version() throws IOException {
    Process process =
        new ProcessBuilder("zstd", "-q", "--version").redirectErrorStream(true).start();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  /** Nanoseconds one {@code zstd -d -c} process takes to decompress every layer to /dev/null. */
  static long decompressAll(List<GeneratedLayers.Layer> layers) throws IOException {
    List<String> command = new ArrayList<>(List.of("zstd", "-d", "-c", "-q"));
    layers.forEach(layer -> command.add(layer.file().toString()));
    long start = System.nanoTime();
    int exit = run(command);
    long nanos = System.nanoTime() - start;
    if (exit != 0) {
      throw new IOException(command.subList(0, 4) + " exited with " + exit);
    }
    return nanos;
  }

  private static int run(List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + command.get(0) + " ran", e);
    }
  }
}

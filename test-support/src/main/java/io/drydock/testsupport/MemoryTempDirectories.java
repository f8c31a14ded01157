package io.drydock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary directories in memory ({@code /dev/shm}) where the machine has one: the dev server's
 * SQLite database commits every workflow task, and legacy trees of many thousand small files take
 * longer to write and delete on a disk than the tests that use them.
 */
public final class MemoryTempDirectories {
  private MemoryTempDirectories() {}

  /**
   * A new directory in {@code /dev/shm}, or in the default temporary directory when there is none.
   */
  public static Path create(String prefix) {
    Path memory = Path.of("/dev/shm");
    try {
      return Files.isDirectory(memory) && Files.isWritable(memory)
          ? Files.createTempDirectory(memory, prefix)
          : Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
  }
}

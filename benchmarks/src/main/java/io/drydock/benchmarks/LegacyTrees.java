package io.drydock.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Where the migration benchmark writes its legacy trees, and how it deletes them. */
final class LegacyTrees {
  private LegacyTrees() {}

  /**
   * Memory-backed when the machine has /dev/shm: on this project's disk, writing and deleting the
   * hundreds of thousands of small files of the trees took longer than the measurements. The
   * imports read the tree from memory either way, since a tree just written sits in the page cache.
   * Not for the million tags: their two million directories took two thirds of the inodes of the
   * development machine's /dev/shm, which every test's trees share, and runs failed for want of
   * inodes, theirs and the benchmark's.
   */
  static Path parent(boolean huge) {
    Path shm = Path.of("/dev/shm");
    return !huge && Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Without listing the tree first: with --large it holds more than half a million files. */
  static void delete(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                throws IOException {
              if (failure != null) {
                throw failure;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}

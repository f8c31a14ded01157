package io.drydock.sledagent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes that survive a crash or power loss whole or not at all. */
final class Durable {
  private static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");

  private Durable() {}

  /**
   * Replaces {@code target} with {@code bytes}: a reader, or a restart after a crash, sees the old
   * or the new file.
   */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(target.getParent());
  }

  /**
   * Makes a rename into {@code directory} durable: without this a power loss may forget the new
   * name.
   */
  static void forceDirectory(Path directory) throws IOException {
    if (WINDOWS) {
      // Windows cannot open a directory as a file; its renames are atomic, only this extra
      // durability step is lost.
      return;
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}

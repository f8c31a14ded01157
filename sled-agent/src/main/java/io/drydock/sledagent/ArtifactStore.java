package io.drydock.sledagent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Artifact files on the sled's two disks, {@code DIR/disk0} and {@code DIR/disk1}, each named by
 * its SHA-256. A file gets its final name only by an atomic rename after its bytes were hashed and
 * flushed, so every file so named is a verified copy, even after a crash. A disk directory that
 * disappears is a lost disk: it is skipped, not recreated, until the agent restarts.
 */
final class ArtifactStore {
  static final String TEMP_PREFIX = ".tmp-";
  private static final int BUFFER_BYTES = 64 * 1024;

  private final List<Path> disks;
  private final Set<Path> tempsBeingWritten = ConcurrentHashMap.newKeySet();

  private ArtifactStore(List<Path> disks) {
    this.disks = disks;
  }

  static ArtifactStore open(Path dataDir) throws IOException {
    List<Path> disks = List.of(dataDir.resolve("disk0"), dataDir.resolve("disk1"));
    for (Path disk : disks) {
      Files.createDirectories(disk);
    }
    return new ArtifactStore(disks);
  }

  /** How many disks hold the artifact. */
  int copies(String sha256) {
    return (int) disks.stream().filter(disk -> Files.isRegularFile(disk.resolve(sha256))).count();
  }

  /** A file holding the artifact, from the first disk that has one. */
  Optional<Path> find(String sha256) {
    return disks.stream()
        .map(disk -> disk.resolve(sha256))
        .filter(Files::isRegularFile)
        .findFirst();
  }

  /**
   * Streams {@code body} once into a new temporary file on each disk while hashing it; nothing is
   * held in memory but one buffer. The caller commits or discards the result. Reading errors of
   * {@code body} are the sender's fault and end as a 400; writing errors are this sled's and stay
   * {@link IOException}s.
   */
  Received receive(String sha256, InputStream body, long maxBytes) throws IOException {
    List<Path> liveDisks = disks.stream().filter(Files::isDirectory).toList();
    if (liveDisks.isEmpty()) {
      throw new ApiException(
          ErrorCode.NO_DISK_AVAILABLE, "no disk is available to store artifacts on");
    }
    List<Path> temps = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>();
    try {
      for (Path disk : liveDisks) {
        Path temp = disk.resolve(TEMP_PREFIX + sha256 + "-" + UUID.randomUUID());
        tempsBeingWritten.add(temp);
        temps.add(temp);
        channels.add(
            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
      }
      MessageDigest digest = Sha256.newDigest();
      byte[] buffer = new byte[BUFFER_BYTES];
      long size = 0;
      int read;
      while ((read = readFromSender(body, buffer, size)) != -1) {
        size += read;
        if (size > maxBytes) {
          throw new ApiException(
              ErrorCode.BODY_TOO_LARGE,
              "artifact is larger than the limit of " + maxBytes + " bytes");
        }
        digest.update(buffer, 0, read);
        for (FileChannel channel : channels) {
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
          while (chunk.hasRemaining()) {
            channel.write(chunk);
          }
        }
      }
      for (FileChannel channel : channels) {
        channel.force(true);
      }
      closeAll(channels);
      return new Received(sha256, HexFormat.of().formatHex(digest.digest()), temps);
    } catch (IOException | RuntimeException | Error e) {
      closeAll(channels);
      discard(temps);
      throw e;
    }
  }

  private static int readFromSender(InputStream body, byte[] buffer, long receivedSoFar) {
    try {
      return body.read(buffer);
    } catch (IOException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "artifact stream broke off after " + receivedSoFar + " bytes: " + e.getMessage());
    }
  }

  private static void closeAll(List<FileChannel> channels) {
    for (FileChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing to save: a temp whose channel fails to close is discarded or its rename fails.
      }
    }
  }

  private void discard(List<Path> temps) {
    for (Path temp : temps) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // The reconciler removes stale temps it finds.
      }
      tempsBeingWritten.remove(temp);
    }
  }

  /** Every regular file on the live disks: artifacts, temps, and whatever else landed there. */
  List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path disk : disks) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(disk, Files::isRegularFile)) {
        entries.forEach(files::add);
      } catch (NoSuchFileException | NotDirectoryException e) {
        // A lost disk has nothing to reconcile.
      }
    }
    return files;
  }

  /** Whether a receive is still writing {@code file}, which therefore must not be deleted. */
  boolean isBeingWritten(Path file) {
    return tempsBeingWritten.contains(file);
  }

  /** Bytes received and flushed to temporary files, not yet given their final name. */
  final class Received {
    final String sha256;
    final String digest;
    private final List<Path> temps;

    private Received(String sha256, String digest, List<Path> temps) {
      this.sha256 = sha256;
      this.digest = digest;
      this.temps = temps;
    }

    /**
     * Renames every temp to its final name, returning how many disks now hold the artifact. A disk
     * lost while the bytes arrived is skipped. Renaming over an existing copy is harmless:
     * content-addressed files are identical.
     */
    int commit() throws IOException {
      int copies = 0;
      try {
        for (Path temp : temps) {
          Path target = temp.resolveSibling(sha256);
          try {
            Files.move(
                temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.forceDirectory(target.getParent());
            copies++;
          } catch (NoSuchFileException e) {
            // The disk is gone.
          }
        }
      } finally {
        ArtifactStore.this.discard(temps);
      }
      if (copies == 0) {
        throw new ApiException(
            ErrorCode.NO_DISK_AVAILABLE, "every disk was lost while the artifact arrived");
      }
      return copies;
    }

    /** The disks the bytes were written to. */
    int datasets() {
      return temps.size();
    }

    void discard() {
      ArtifactStore.this.discard(temps);
    }
  }
}

package io.drydock.activities.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The control plane's local copies of uploaded artifacts, content-addressed: {@code
 * <dir>/<sha256>}. A file is written under {@code <dir>/.staging/}, hashed while it is written, and
 * renamed into place only once its hash is known, so a file under its hash always holds exactly
 * those bytes. The API writes here and the worker reads, so both must be configured with the same
 * directory.
 */
final class LocalDepot {
  static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Staging files untouched this long were left by a process that died while writing them. */
  private static final Duration ABANDONED_STAGING = Duration.ofDays(1);

  private static final int BUFFER = 64 * 1024;

  private final Path dir;
  private final Path staging;

  LocalDepot(Path dir) {
    this.dir = dir;
    this.staging = dir.resolve(".staging");
    try {
      Files.createDirectories(staging);
      removeAbandonedStagingFiles();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the depot directory " + dir, e);
    }
  }

  /** A file written to the staging area, with the hash and length of what was written. */
  record Staged(Path file, String sha256, long length) {}

  /** An artifact's file, if the depot holds it. */
  Optional<Path> find(String sha256) {
    Path file = path(sha256);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  boolean contains(String sha256) {
    return find(sha256).isPresent();
  }

  /**
   * Writes at most {@code maxBytes + 1} bytes of {@code in} to a new staging file: one byte more
   * than allowed is enough for the caller to see the content is too long without reading it all.
   */
  Staged stage(InputStream in, long maxBytes) throws IOException {
    Path file = newStagingFile("artifact-");
    try (DigestInputStream digesting = new DigestInputStream(in, sha256Digest());
        OutputStream out = Files.newOutputStream(file)) {
      long length = copy(digesting, out, maxBytes + 1);
      return new Staged(
          file, HexFormat.of().formatHex(digesting.getMessageDigest().digest()), length);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * A new empty file in the staging area, on the depot's file system so that a rename into place is
   * atomic.
   */
  Path newStagingFile(String prefix) throws IOException {
    return Files.createFile(staging.resolve(prefix + UUID.randomUUID()));
  }

  /**
   * Moves a staged file into place under its hash. When the depot already holds the artifact the
   * staged copy is dropped instead.
   *
   * @return true when the file was added, false when the depot held it already
   */
  boolean adopt(Staged staged) {
    Path target = path(staged.sha256());
    try {
      if (Files.exists(target)) {
        Files.delete(staged.file());
        return false;
      }
      Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (FileAlreadyExistsException e) {
      discard(staged);
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + staged.file() + " into the depot", e);
    }
  }

  void discard(Staged staged) {
    deleteQuietly(staged.file());
  }

  void delete(String sha256) {
    try {
      Files.deleteIfExists(path(sha256));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete artifact " + sha256 + " from the depot", e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Only staging files are deleted this way; one that stays is removed as abandoned a day
      // later.
    }
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Copies at most {@code limit} bytes; returns how many were copied. */
  static long copy(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    while (copied < limit) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (read < 0) {
        break;
      }
      out.write(buffer, 0, read);
      copied += read;
    }
    return copied;
  }

  private Path path(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256 hex digest: " + sha256);
    }
    return dir.resolve(sha256);
  }

  private void removeAbandonedStagingFiles() throws IOException {
    Instant abandoned = Instant.now().minus(ABANDONED_STAGING);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path file : files) {
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.toInstant().isBefore(abandoned)) {
          deleteQuietly(file);
        }
      }
    }
  }
}

package io.drydock.demo;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes blobs and links the way the distribution lays them out. Each file is written beside its
 * final name and then renamed into place, so a reader (or a crash) never sees a half-written file;
 * blobs already present are kept, which makes writing a tree again cheap and harmless.
 */
final class LegacyTreeWriter {
  private final LegacyLayout layout;

  LegacyTreeWriter(Path root) {
    this.layout = new LegacyLayout(root);
  }

  /** Refuses a repository path before anything is written for it. */
  void requireRepositoryPath(String repositoryPath) {
    layout.repository(repositoryPath);
  }

  /** Stores {@code content} under its sha256 and returns that digest. */
  Digest putBlob(byte[] content) {
    Digest digest = Digest.sha256Of(content);
    Path data = layout.blobData(digest);
    if (!Files.isRegularFile(data)) {
      writeAtomically(data, content);
    }
    return digest;
  }

  void linkLayer(String repositoryPath, Digest digest) {
    writeLink(layout.layerLink(repositoryPath, digest), digest);
  }

  void linkRevision(String repositoryPath, Digest digest) {
    writeLink(layout.revisionLink(repositoryPath, digest), digest);
  }

  /** Records that the tag pointed at {@code digest} once, without moving it. */
  void recordTagHistory(String repositoryPath, String tag, Digest digest) {
    writeLink(layout.tagIndexLink(repositoryPath, tag, digest), digest);
  }

  /**
   * Points the tag at {@code digest}, keeping the history entry the distribution keeps for every
   * tag target.
   */
  void tag(String repositoryPath, String tag, Digest digest) {
    recordTagHistory(repositoryPath, tag, digest);
    writeLink(layout.tagCurrentLink(repositoryPath, tag), digest);
  }

  /**
   * Points a tag the repository does not have yet at {@code digest}, with its current link only and
   * no history entry: fewer files and calls than {@link #tag}, for generating trees of a million
   * tags.
   */
  void addTag(String repositoryPath, String tag, Digest digest) {
    Path link = newTagLink(repositoryPath, tag);
    try {
      Files.write(
          link,
          digest.toString().getBytes(StandardCharsets.US_ASCII),
          StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + link, e);
    }
  }

  /**
   * As {@link #addTag}, pointing {@code tag} where {@code sameAs} points, its link a hard link to
   * {@code sameAs}'s: a million tags would otherwise exhaust the inodes of a memory file system.
   */
  void addTagLike(String repositoryPath, String tag, String sameAs) {
    Path link = newTagLink(repositoryPath, tag);
    try {
      Files.createLink(link, layout.tagCurrentLink(repositoryPath, sameAs));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link " + link, e);
    }
  }

  /** Creates the directories of a new tag's current link, with as few calls as can be. */
  private Path newTagLink(String repositoryPath, String tag) {
    Path link = layout.tagCurrentLink(repositoryPath, tag);
    Path current = link.getParent();
    try {
      Files.createDirectories(current.getParent().getParent());
      Files.createDirectory(current.getParent());
      Files.createDirectory(current);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + current, e);
    }
    return link;
  }

  private static void writeLink(Path link, Digest digest) {
    byte[] content = digest.toString().getBytes(StandardCharsets.US_ASCII);
    try {
      if (Files.isRegularFile(link) && Arrays.equals(Files.readAllBytes(link), content)) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + link, e);
    }
    writeAtomically(link, content);
  }

  private static void writeAtomically(Path target, byte[] content) {
    // Not Files.createTempFile: it makes the file readable by its owner only, unlike everything
    // else in the tree.
    Path temporary =
        target.resolveSibling(
            target.getFileName()
                + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectories(target.getParent());
      Files.write(temporary, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}

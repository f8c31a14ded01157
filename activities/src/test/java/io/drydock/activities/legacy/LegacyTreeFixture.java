package io.drydock.activities.legacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a small legacy tree, file by file where {@link LegacyLayout} says, for the tests of what
 * reads it. The demo module's generators cannot serve these tests: that module depends on this one.
 */
public final class LegacyTreeFixture {
  private final LegacyLayout layout;

  public LegacyTreeFixture(Path root) {
    this.layout = new LegacyLayout(root);
  }

  /** Stores {@code content} under its sha256 and returns that digest. */
  public Digest putBlob(byte[] content) {
    Digest digest = Digest.sha256Of(content);
    write(layout.blobData(digest), content);
    return digest;
  }

  public void linkLayer(String repositoryPath, Digest digest) {
    writeLink(layout.layerLink(repositoryPath, digest), digest);
  }

  public void linkRevision(String repositoryPath, Digest digest) {
    writeLink(layout.revisionLink(repositoryPath, digest), digest);
  }

  /**
   * Points the tag at {@code digest}, with the history entry the distribution writes beside the
   * current link.
   */
  public void tag(String repositoryPath, String tag, Digest digest) {
    writeLink(layout.tagIndexLink(repositoryPath, tag, digest), digest);
    writeLink(layout.tagCurrentLink(repositoryPath, tag), digest);
  }

  private static void writeLink(Path link, Digest digest) {
    write(link, digest.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

package io.drydock.activities.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The upload's body, or an archive entry's bytes, with read failures marked as {@link
 * ArchiveReadException}: a truncated upload or a corrupt entry is the client's fault, a failure to
 * write the depot is not.
 */
final class ArchiveStream extends FilterInputStream {
  ArchiveStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw new ArchiveReadException(e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return super.read(buffer, offset, length);
    } catch (IOException e) {
      throw new ArchiveReadException(e);
    }
  }

  /** Marks failures to read the upload, or the archive, apart from failures to write the depot. */
  static final class ArchiveReadException extends IOException {
    ArchiveReadException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }
}

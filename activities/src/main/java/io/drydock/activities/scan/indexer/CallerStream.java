package io.drydock.activities.scan.indexer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caller's stream, left open when the scan closes its decompressor, and remembering what it
 * threw so that a failing network read is passed on as itself rather than blamed on the layer.
 */
final class CallerStream extends FilterInputStream {
  private IOException failure;

  CallerStream(InputStream in) {
    super(in);
  }

  boolean threw(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t == failure) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return super.read(buffer, offset, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public void close() {
    // The caller opened the blob and closes it.
  }
}

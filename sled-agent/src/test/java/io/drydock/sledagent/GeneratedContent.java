package io.drydock.sledagent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Large test content made up as it is read, so that neither the test nor the sled ever holds it
 * whole.
 */
record GeneratedContent(long size, long seed) {
  private static final int BLOCK_BYTES = 1 << 16;

  InputStream stream() {
    byte[] block = new byte[BLOCK_BYTES];
    new Random(seed).nextBytes(block);
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (position == size) {
          return -1;
        }
        int count = (int) Math.min(length, size - position);
        for (int i = 0; i < count; i++) {
          long at = position + i;
          // Each block differs from the last, so that a swapped or repeated block changes the hash.
          buffer[offset + i] = (byte) (block[(int) (at & (BLOCK_BYTES - 1))] ^ (at >>> 16));
        }
        position += count;
        return count;
      }
    };
  }

  String sha256() {
    return sha256Of(stream());
  }

  static String sha256Of(InputStream in) {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[BLOCK_BYTES];
    try (in) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        digest.update(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}

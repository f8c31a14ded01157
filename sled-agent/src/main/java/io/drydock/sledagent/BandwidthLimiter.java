package io.drydock.sledagent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the rate of artifact bytes through one direction of the sled's link, shared by every
 * transfer in that direction, so that a benchmark can give each sled a link of its own size. Each
 * chunk books the next free slot of the link and waits for it.
 *
 * <p>Public for the replication benchmark, whose depot link must be capped exactly as the sleds'
 * links are.
 */
public final class BandwidthLimiter {
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long bytesPerSecond;
  private final AtomicLong throttledBytes = new AtomicLong();
  private long nextFreeNanos = System.nanoTime(); // guarded by this

  /**
   * @param bytesPerSecond the cap; 0 for none
   */
  public BandwidthLimiter(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Waits until {@code bytes} more bytes fit under the cap. */
  public void acquire(int bytes) throws InterruptedIOException {
    if (bytesPerSecond == 0 || bytes <= 0) {
      return;
    }
    throttledBytes.addAndGet(bytes);
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      long start = nextFreeNanos - now > 0 ? nextFreeNanos : now;
      nextFreeNanos = start + bytes * NANOS_PER_SECOND / bytesPerSecond;
      waitNanos = start - now;
    }
    if (waitNanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttled");
      }
    }
  }

  /** Bytes that went through the cap; always 0 without one. */
  long throttledBytes() {
    return throttledBytes.get();
  }

  InputStream throttle(InputStream in) {
    if (bytesPerSecond == 0) {
      return in;
    }
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b != -1) {
          acquire(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        acquire(read);
        return read;
      }
    };
  }
}

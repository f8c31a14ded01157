package io.drydock.activities.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Streaming an artifact's file to a sled: the counted body and the wait for its answer. An upload
 * may take far longer than one request timeout, so it is timed by progress (bytes leaving) rather
 * than by the whole exchange.
 */
final class ArtifactUploadStream {
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private ArtifactUploadStream() {}

  /**
   * The file's bytes with their length as Content-Length. An empty artifact (a zero-length TUF
   * target) is an empty body: the JDK refuses a publisher of length 0.
   */
  static HttpRequest.BodyPublisher body(Path file, long length, AtomicLong sent) {
    if (length == 0) {
      return HttpRequest.BodyPublishers.noBody();
    }
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> counting(file, sent)), length);
  }

  /**
   * Waits for the answer to an upload as long as bytes keep leaving, reporting progress while it
   * waits.
   */
  static HttpResponse<byte[]> whileProgressing(
      CompletableFuture<HttpResponse<byte[]>> response,
      AtomicLong sent,
      LongConsumer progress,
      Duration stallLimit)
      throws ExecutionException, InterruptedException, TimeoutException {
    long lastSent = -1;
    long quietSince = System.nanoTime();
    while (true) {
      try {
        return response.get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        long now = System.nanoTime();
        if (sent.get() != lastSent) {
          lastSent = sent.get();
          quietSince = now;
        } else if (now - quietSince > stallLimit.toNanos()) {
          throw new TimeoutException("stalled: no progress for " + stallLimit.toSeconds() + " s");
        }
        progress.accept(sent.get());
      }
    }
  }

  private static InputStream counting(Path file, AtomicLong sent) {
    try {
      return new FilterInputStream(Files.newInputStream(file)) {
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int read = super.read(buffer, offset, length);
          if (read > 0) {
            sent.addAndGet(read);
          }
          return read;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.drydock.activities.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a sled's answer body, failing instead of buffering more than {@link #MAX_ANSWER_BYTES}:
 * a sled cannot make {@link SledClient} hold more than that in memory.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  /** A listing of tens of thousands of artifacts fits; a sled cannot make us buffer more. */
  static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      if (body.isDone()) {
        return;
      }
      if (bytes.size() + buffer.remaining() > MAX_ANSWER_BYTES) {
        subscription.cancel();
        body.completeExceptionally(
            new IOException("answer longer than " + MAX_ANSWER_BYTES + " bytes"));
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable error) {
    body.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    body.complete(bytes.toByteArray());
  }
}

package io.drydock.benchmarks.replication;

import io.drydock.sledagent.BandwidthLimiter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replication benchmark's control-plane link: a TCP proxy in front of each sled, through which
 * both plans reach the sleds, that caps the artifact bytes the depot uploads ({@code PUT
 * /artifacts/<sha256>} bodies) through all the proxies together with the sleds' own {@link
 * BandwidthLimiter}, and counts them. So the depot has a link the size of a sled's, whichever plan
 * uses it. Everything else passes untouched: configs, listings, and the copies between sleds (a
 * sled fetching from another sled's proxy sends a bodiless GET and receives the bytes on the answer
 * side, which the source sled's own limit already caps).
 */
final class DepotUplink implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;
  private static final int MAX_HEAD = 64 * 1024;

  private final BandwidthLimiter limiter;
  private final AtomicLong artifactBytes = new AtomicLong();
  private final ExecutorService threads = Executors.newCachedThreadPool(DepotUplink::daemonThread);
  private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /**
   * @param bytesPerSecond the cap on artifact bytes uploaded through all the proxies; 0 for none
   */
  DepotUplink(long bytesPerSecond) {
    this.limiter = new BandwidthLimiter(bytesPerSecond);
  }

  /**
   * Starts a proxy in front of the sled at {@code sled} ({@code http://127.0.0.1:port}) and returns
   * its base URI.
   */
  URI front(URI sled) throws IOException {
    ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    listeners.add(listener);
    threads.execute(() -> accept(listener, new InetSocketAddress(sled.getHost(), sled.getPort())));
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Artifact bytes uploaded through the proxies so far. */
  long artifactBytes() {
    return artifactBytes.get();
  }

  @Override
  public void close() {
    for (ServerSocket listener : listeners) {
      closeQuietly(listener);
    }
    sockets.forEach(DepotUplink::closeQuietly);
    threads.shutdownNow();
  }

  private void accept(ServerSocket listener, InetSocketAddress sled) {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Socket server = new Socket();
      sockets.add(client);
      sockets.add(server);
      try {
        server.connect(sled);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      threads.execute(() -> pump(client, server, true));
      threads.execute(() -> pump(server, client, false));
    }
  }

  /**
   * Copies one direction until it ends, then closes both sockets so that the other direction ends
   * too.
   */
  private void pump(Socket from, Socket to, boolean requests) {
    try (InputStream in = new BufferedInputStream(from.getInputStream(), BUFFER);
        OutputStream out = to.getOutputStream()) {
      if (requests) {
        forwardRequests(in, out);
      } else {
        copy(in, out, Long.MAX_VALUE, false);
      }
    } catch (IOException e) {
      // The peer closed or reset its connection: that ends the exchange.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  /**
   * HTTP/1.1 requests one after another on a kept-alive connection: the head as is, then the body
   * it announced.
   */
  private void forwardRequests(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      out.write(head);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      boolean artifactUpload = text.startsWith("PUT /artifacts/");
      long length = 0;
      for (String line : text.split("\r\n")) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? "" : line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (name.equals("content-length")) {
          length = Long.parseLong(line.substring(colon + 1).strip());
        } else if (name.equals("transfer-encoding")) {
          throw new IOException("the benchmark's clients send bodies of known length, not " + line);
        }
      }
      copy(in, out, length, artifactUpload);
    }
  }

  /**
   * The request head up to and including its blank line; null when the connection ends between
   * requests.
   */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("the connection ended inside a request head");
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD) {
        throw new IOException("a request head longer than " + MAX_HEAD + " bytes");
      }
    }
    return head.toByteArray();
  }

  private void copy(InputStream in, OutputStream out, long limit, boolean throttled)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    while (copied < limit) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (read < 0) {
        if (limit == Long.MAX_VALUE) {
          return;
        }
        throw new IOException("the connection ended inside a request body");
      }
      if (throttled) {
        limiter.acquire(read);
        artifactBytes.addAndGet(read);
      }
      out.write(buffer, 0, read);
      out.flush();
      copied += read;
    }
    out.flush();
  }

  /** Daemon threads, so that a benchmark which fails does not hang on its proxies. */
  private static Thread daemonThread(Runnable task) {
    Thread thread = new Thread(task, "depot-uplink");
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing what is already broken.
    }
  }
}

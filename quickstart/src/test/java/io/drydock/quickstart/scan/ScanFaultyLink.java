package io.drydock.quickstart.scan;

import io.drydock.quickstart.SeparateWorkersStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between a worker and PostgreSQL that misbehaves as a network does: it stalls every
 * connection for a while (bytes are held, nothing is lost), or resets connections (RST, as after a
 * NAT or firewall drops them), so a statement, or the answer to a commit, never arrives.
 */
final class ScanFaultyLink implements AutoCloseable {
  private final ServerSocket listener;
  private final String upstreamHost;
  private final int upstreamPort;
  private final List<Connection> open = new CopyOnWriteArrayList<>();
  private final AtomicLong resets = new AtomicLong();
  private volatile long stalledUntilNanos = System.nanoTime();

  /** One relayed connection: the client's socket and ours to PostgreSQL. */
  private record Connection(Socket client, Socket upstream) {}

  ScanFaultyLink(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("faulty-link-accept", this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Holds every byte in both directions of every connection, open or new, for {@code duration}. */
  void stall(Duration duration) {
    stalledUntilNanos = System.nanoTime() + duration.toNanos();
  }

  /**
   * Resets up to {@code count} open connections, picked with {@code random}; returns how many it
   * reset.
   */
  int reset(int count, Random random) {
    List<Connection> candidates = new ArrayList<>(open);
    Collections.shuffle(candidates, random);
    List<Connection> victims = candidates.subList(0, Math.min(count, candidates.size()));
    victims.forEach(ScanFaultyLink::abort);
    resets.addAndGet(victims.size());
    return victims.size();
  }

  long resets() {
    return resets.get();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    open.forEach(ScanFaultyLink::abort);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        Connection connection = new Connection(client, upstream);
        open.add(connection);
        daemon("faulty-link-up", () -> pump(connection, client, upstream));
        daemon("faulty-link-down", () -> pump(connection, upstream, client));
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Connection connection, Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        while (System.nanoTime() < stalledUntilNanos) {
          SeparateWorkersStack.sleep(Duration.ofMillis(5));
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Reset by us or by a peer: the other direction ends when its socket is closed below.
    } finally {
      open.remove(connection);
      abort(connection);
    }
  }

  /**
   * Closes both sockets with a zero linger time, so each peer gets a reset rather than an orderly
   * end of stream.
   */
  private static void abort(Connection connection) {
    for (Socket socket : List.of(connection.client(), connection.upstream())) {
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException e) {
        // Already closed.
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}

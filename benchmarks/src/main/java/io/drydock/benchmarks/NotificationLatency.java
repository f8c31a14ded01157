package io.drydock.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.testsupport.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times a notification from the status commit to the receiver: a small pre-import is started, and
 * the time between its outbox row's {@code created_at} (the status transaction's timestamp, so the
 * figure includes that short transaction) and the arrival of the {@code PUT} at a receiver in this
 * JVM, which answers 200 as Rails does. Both clocks are this machine's.
 */
final class NotificationLatency implements AutoCloseable {
  private static final String PREFIX = "/rails/";
  private static final String SUFFIX = "/migration";
  static final String SECRET = "benchmark-notification-secret";

  private final HttpServer receiver;
  private final Map<String, Instant> arrivals = new ConcurrentHashMap<>();
  private final Path legacyRoot;
  private Connection database;
  private PreparedStatement createdAt;
  private int repositories;

  NotificationLatency(Path legacyRoot) {
    this.legacyRoot = legacyRoot;
    try {
      receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    receiver.createContext(
        PREFIX,
        exchange -> {
          Instant arrived = Instant.now();
          String uri = exchange.getRequestURI().getPath();
          arrivals.put(uri.substring(PREFIX.length(), uri.length() - SUFFIX.length()), arrived);
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
  }

  /** The arguments that point the stack's worker at the receiver. */
  String[] stackArguments() {
    return new String[] {
      "--drydock.notification.url=http://127.0.0.1:"
          + receiver.getAddress().getPort()
          + PREFIX
          + "{path}"
          + SUFFIX,
      "--drydock.notification.secret=" + SECRET
    };
  }

  /** Connects to the stack's database, once it has migrated it. */
  void connect(String jdbcUrl) throws SQLException {
    database = TestPostgres.dataSource(jdbcUrl).getConnection();
    createdAt =
        database.prepareStatement(
            "SELECT created_at, ended_at FROM notifications WHERE repository_path = ?");
  }

  /**
   * One sample's split: from the status commit to the start of the delivering transaction ({@code
   * ended_at} is that transaction's timestamp: Temporal's part), and from there to the receiver
   * (the repository lock and the HTTP call).
   */
  record Sample(long toDeliveryNanos, long toReceiverNanos) {}

  /** One sample: a 3-manifest pre-import through {@code stack}. */
  Sample sample(BenchmarkStack stack) throws SQLException {
    String path = "bench/notify-" + ++repositories;
    DemoLegacyStorage.generateSynthetic(legacyRoot, path, 3, 1);
    BenchmarkStack.Answer put = stack.importApi("PUT", path, "?import_type=pre");
    if (put.status() != 202) {
      throw new IllegalStateException(
          "PUT " + path + " answered " + put.status() + ": " + put.body());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!arrivals.containsKey(path)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no notification for " + path + " within 60 s");
      }
      Thread.onSpinWait();
    }
    // The delivering transaction commits its ended_at once the receiver has answered.
    createdAt.setString(1, path);
    while (true) {
      try (ResultSet row = createdAt.executeQuery()) {
        row.next();
        if (row.getTimestamp(2) != null) {
          Instant committed = row.getTimestamp(1).toInstant();
          Instant delivering = row.getTimestamp(2).toInstant();
          return new Sample(
              ChronoUnit.NANOS.between(committed, delivering),
              ChronoUnit.NANOS.between(committed, arrivals.get(path)));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the notification for " + path + " was not recorded within 60 s");
      }
    }
  }

  @Override
  public void close() throws SQLException {
    receiver.stop(0);
    if (database != null) {
      database.close();
    }
  }
}

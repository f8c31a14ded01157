package io.drydock.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL per JVM (zonky's binaries, no Docker), with a fresh database per test
 * that needs isolated state: creating a database is far cheaper than starting another server.
 */
public final class TestPostgres {

  private static final String USER = "postgres";

  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  /**
   * The {@code postgres} database of the shared server, started on first use and stopped by a
   * shutdown hook.
   */
  public static synchronized DataSource shared() {
    return server().getPostgresDatabase();
  }

  /**
   * Creates an empty, uniquely named database on the shared server and returns its JDBC URL (user
   * postgres).
   */
  public static String freshDatabase() {
    String name = "test_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection connection = shared().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return server().getJdbcUrl(USER, name);
  }

  /** A plain, unpooled DataSource for a JDBC URL such as one from {@link #freshDatabase()}. */
  public static DataSource dataSource(String jdbcUrl) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    return dataSource;
  }

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  },
                  "embedded-postgres-shutdown"));
    }
    return postgres;
  }
}

package io.drydock.activities.replication;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.drydock.testsupport.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For each test, a fresh database with the real schema, a fresh depot directory, and the
 * replication storage over them. Register with {@code @RegisterExtension}.
 */
final class ReplicationDatabase implements BeforeEachCallback, AfterEachCallback {
  static final long MAX_UPLOAD_BYTES = 1024 * 1024;
  static final int MAX_UPLOAD_ENTRIES = 20;

  HikariDataSource dataSource;
  JdbcClient jdbc;
  Path depotDir;
  LocalDepot depot;
  SledRegistry registry;
  ArtifactStore store;
  RequestLog requests;
  TufRepositoryUpload upload;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestPostgres.freshDatabase());
    config.setUsername("postgres");
    config.setMaximumPoolSize(4);
    dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).load().migrate();
    jdbc = JdbcClient.create(dataSource);
    depotDir = Files.createTempDirectory("drydock-depot-test-");
    depot = new LocalDepot(depotDir);
    registry = new SledRegistry(dataSource);
    store = new ArtifactStore(dataSource, depot);
    requests = new RequestLog(dataSource);
    upload = signedUpload(List.of(), Clock.systemUTC());
  }

  /** The replication activities over this storage, each request to a sled limited to 10 s. */
  ReplicationActivitiesImpl activities(Duration copyTimeout) {
    return new ReplicationActivitiesImpl(
        store,
        depot,
        new SledClient(registry, Duration.ofSeconds(10)),
        requests,
        copyTimeout,
        new SimpleMeterRegistry());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    dataSource.close();
    try (Stream<Path> files = Files.walk(depotDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /**
   * An upload that verifies signatures against {@code roots} at {@code clock}'s time; with no roots
   * it takes archives unverified, as {@code DRYDOCK_TUF_ALLOW_UNSIGNED} does.
   */
  TufRepositoryUpload signedUpload(List<TufTrust.TrustedRoot> roots, Clock clock) {
    return new TufRepositoryUpload(
        store,
        depot,
        MAX_UPLOAD_BYTES,
        MAX_UPLOAD_ENTRIES,
        new TufTrust(roots, clock),
        roots.isEmpty());
  }

  /** The files in the depot and its staging area, relative to the depot directory. */
  List<String> depotFiles() {
    try (Stream<Path> files = Files.walk(depotDir)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> depotDir.relativize(file).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long count(String table) {
    return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
  }
}

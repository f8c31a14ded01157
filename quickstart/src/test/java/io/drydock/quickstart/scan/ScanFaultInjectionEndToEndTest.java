package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.scan.ScanWorkflows;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Seven hundred and fifty forced rescans (three rounds over 250 manifests) against a real
 * PostgreSQL while faults are injected: the scan tables are locked longer than the statement
 * timeout (so loads, as in seed 000, and writes time out), and the worker's connections to
 * PostgreSQL are stalled and reset at random (so a statement or the answer to a commit is lost).
 * Every 100 ms the reports are sampled, and a trigger records every write: no report may ever be
 * empty or in a state that is not Clair's, and no finished report may be replaced by an error or by
 * other content for the same index state. Once the faults stop, every manifest must be {@code
 * finished}.
 *
 * <p>The faults are drawn from a seeded random source ({@code -Dscan.faults.seed=N}); the threads'
 * interleaving still varies.
 */
class ScanFaultInjectionEndToEndTest {
  private static final long SEED = Long.getLong("scan.faults.seed", 20_261_122L);
  private static final String REPOSITORY = "faults/scans";
  private static final int MANIFESTS = 250;
  private static final int ROUNDS = 3;
  private static final int CONCURRENCY = 32;
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(1);
  private static final List<String> LOCKED_TABLES =
      List.of("index_reports", "scan_status", "layer_scans");
  private static final Pattern JDBC_HOST_PORT = Pattern.compile("//([^/:]+):(\\d+)/");

  private static SeparateWorkersStack stack;
  private static ScanFaultyLink link;

  @BeforeAll
  static void startStack() throws IOException {
    stack =
        SeparateWorkersStack.startWriting(
            "drydock-scan-faults-legacy-",
            root -> DemoLegacyStorage.generateDebianImages(root, REPOSITORY, MANIFESTS),
            ScanTestClient.withBulkScanSlots(
                Map.of("drydock.scan.statement-timeout", STATEMENT_TIMEOUT.toMillis() + "ms")));
    Matcher postgres = JDBC_HOST_PORT.matcher(stack.jdbcUrl());
    if (!postgres.find()) {
      throw new IllegalStateException("no host and port in " + stack.jdbcUrl());
    }
    link = new ScanFaultyLink(postgres.group(1), Integer.parseInt(postgres.group(2)));
  }

  @AfterAll
  static void stopStack() {
    if (link != null) {
      link.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noReportIsEverEmptyOrReplacedByAWorseOneAndEveryManifestEndsFinished() throws Exception {
    ScanTestClient client = new ScanTestClient(stack.baseUrl());
    String throughLink =
        JDBC_HOST_PORT.matcher(stack.jdbcUrl()).replaceFirst("//127.0.0.1:" + link.port() + "/");
    stack.startWorker(
        "scan-faults", stack.temporal.target(), List.of("-Dspring.datasource.url=" + throughLink));
    ScanTestClient.awaitScannerUpgradeRescan(stack.workflows);
    stack.awaitLegacyStorage();
    client.importRepository(REPOSITORY);
    ScanTestClient.stopImportIndexing(stack.workflows, stack.database, REPOSITORY);
    ScanAudit audit = ScanAudit.install(stack.database);
    DataSource direct = TestPostgres.dataSource(stack.jdbcUrl());

    ReportSampler sampler = new ReportSampler(JdbcClient.create(direct));
    FaultInjector faults = new FaultInjector(direct, new Random(SEED));
    // Daemons: should an assertion end the test early, they must not keep the JVM alive.
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            body -> {
              Thread thread = new Thread(body, "scan-faults");
              thread.setDaemon(true);
              return thread;
            });
    Future<?> sampling = threads.submit(sampler::run);
    Future<?> injecting = threads.submit(faults::run);
    Instant started = Instant.now();
    List<String> bulkIds = new ArrayList<>();
    long rescans = 0;
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        String id = client.startBulkRescan(REPOSITORY, CONCURRENCY);
        bulkIds.add(id);
        JsonNode end = client.awaitBulkRescan(id, "finished", Duration.ofSeconds(300));
        System.out.printf(
            "[drydock-tests] scan faults: round %d finished after %d ms: %s%n",
            round, Duration.between(started, Instant.now()).toMillis(), end);
        assertThat(end.path("done").asLong()).isEqualTo(MANIFESTS);
        assertThat(end.path("failed").asLong()).isZero();
        rescans += end.path("done").asLong() + end.path("failed").asLong();
      }
    } finally {
      faults.stop();
      injecting.get();
    }
    Instant faultsStopped = Instant.now();
    DrydockStack.await(
        () ->
            client.scanStatuses(REPOSITORY, 100).values().stream()
                .filter("finished"::equals)
                .count(),
        finished -> finished == MANIFESTS,
        Duration.ofSeconds(120),
        "every manifest to be finished");
    sampler.stop();
    sampling.get();
    threads.shutdown();

    Map<String, Long> failedAttempts = failedActivityAttempts(bulkIds);
    long failedAttemptsInAll = failedAttempts.values().stream().mapToLong(Long::longValue).sum();
    List<ScanAudit.Write> writes = audit.writesAfter(0);
    System.out.printf(
        "[drydock-tests] scan faults: %d rescans of %d manifests in %d ms under faults (seed %d): %d table locks"
            + " longer than the %d ms statement timeout, %d connection resets, %d stalls; %d activity attempts"
            + " failed and were retried %s; %d report writes audited; %d samples of index_reports%n",
        rescans,
        MANIFESTS,
        Duration.between(started, faultsStopped).toMillis(),
        SEED,
        faults.locks.get(),
        STATEMENT_TIMEOUT.toMillis(),
        link.resets(),
        faults.stalls.get(),
        failedAttemptsInAll,
        failedAttempts,
        writes.size(),
        sampler.samples.get());

    assertThat(rescans).isEqualTo((long) ROUNDS * MANIFESTS);
    assertThat(failedAttemptsInAll).as("the faults made activity attempts fail").isPositive();
    assertThat(sampler.violations).as("seen in samples").isEmpty();
    assertThat(sampler.samples.get()).isPositive();
    assertThat(ScanAudit.violations(writes)).as("audited writes").isEmpty();
    assertThat(audit.digestsWrittenWithDifferentContent(0)).isEmpty();
    assertThat(writes).extracting(ScanAudit.Write::state).containsOnly("IndexFinished");
    assertThat(
            stack
                .database
                .sql("SELECT count(*) FROM index_reports WHERE state = 'IndexFinished' AND success")
                .query(Long.class)
                .single())
        .isEqualTo(MANIFESTS);
  }

  /**
   * Failed attempts, by activity type, in the histories of every bulk rescan and of every run of
   * each rescan.
   */
  private static Map<String, Long> failedActivityAttempts(List<String> bulkIds) throws Exception {
    List<String> digests =
        stack.database.sql("SELECT manifest_digest FROM index_reports").query(String.class).list();
    ExecutorService fetchers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Map<String, Long>>> counts = new ArrayList<>();
      for (String id : bulkIds) {
        String bulk = ScanWorkflows.bulkRescanWorkflowId(id);
        counts.add(
            fetchers.submit(() -> ScanTestClient.failedActivityAttempts(stack.workflows, bulk)));
      }
      for (String digest : digests) {
        counts.add(
            fetchers.submit(() -> ScanTestClient.failedRescanAttempts(stack.workflows, digest)));
      }
      Map<String, Long> failed = new TreeMap<>();
      for (Future<Map<String, Long>> count : counts) {
        count.get().forEach((type, n) -> failed.merge(type, n, Long::sum));
      }
      return failed;
    } finally {
      fetchers.shutdown();
    }
  }

  /**
   * Reads every report every 100 ms and remembers the first finished content of each manifest and
   * index state: a report that is empty, in a state other than Clair's final ones, or that replaces
   * a finished one with an error or other content, is a violation.
   */
  private static final class ReportSampler {
    private final JdbcClient database;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Map<String, String> firstFinished = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    final AtomicLong samples = new AtomicLong();

    ReportSampler(JdbcClient database) {
      this.database = database;
    }

    void run() {
      while (!stopped.get()) {
        sample();
        SeparateWorkersStack.sleep(Duration.ofMillis(100));
      }
      sample();
    }

    void stop() {
      stopped.set(true);
    }

    private void sample() {
      database
          .sql(
              """
              SELECT manifest_digest, state, index_state, md5(report),
                     substring(report FROM '^\\{"manifest_hash":"[^"]*","state":"([^"]*)"'),
                     report LIKE '%,"success":' || success || ',"err":%'
                FROM index_reports
              """)
          .query(
              rs -> {
                String digest = rs.getString(1);
                String state = rs.getString(2);
                String indexState = rs.getString(3);
                String content = rs.getString(4);
                if (!List.of("IndexFinished", "IndexError").contains(state)
                    || !state.equals(rs.getString(5))
                    || !rs.getBoolean(6)) {
                  violations.add(
                      digest + ": stored state " + state + " with report state " + rs.getString(5));
                }
                if ("IndexFinished".equals(state)) {
                  String first = firstFinished.putIfAbsent(digest + "@" + indexState, content);
                  if (first != null && !first.equals(content)) {
                    violations.add(digest + ": finished report replaced by other content");
                  }
                } else if (firstFinished.containsKey(digest + "@" + indexState)) {
                  violations.add(digest + ": finished report replaced by " + state);
                }
              });
      samples.incrementAndGet();
    }
  }

  /**
   * Until stopped, one fault after another with short pauses between: a scan table locked {@code
   * ACCESS EXCLUSIVE} (every read and write of it waits) longer than the statement timeout, some of
   * the worker's connections reset, or all of them stalled.
   */
  private static final class FaultInjector {
    private final DataSource database;
    private final Random random;
    private final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicLong locks = new AtomicLong();
    final AtomicLong stalls = new AtomicLong();

    FaultInjector(DataSource database, Random random) {
      this.database = database;
      this.random = random;
    }

    void run() {
      while (!stopped.get()) {
        switch (random.nextInt(3)) {
          case 0 ->
              lock(
                  LOCKED_TABLES.get(random.nextInt(LOCKED_TABLES.size())),
                  STATEMENT_TIMEOUT.plusMillis(100 + random.nextInt(700)));
          case 1 -> link.reset(1 + random.nextInt(3), random);
          default -> {
            Duration stall = Duration.ofMillis(300 + random.nextInt(1200));
            link.stall(stall);
            stalls.incrementAndGet();
            SeparateWorkersStack.sleep(stall);
          }
        }
        SeparateWorkersStack.sleep(Duration.ofMillis(1000 + random.nextInt(1500)));
      }
    }

    void stop() {
      stopped.set(true);
    }

    private void lock(String table, Duration hold) {
      try (Connection connection = database.getConnection()) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          // Behind a stalled transaction the lock could wait long: then this fault is skipped.
          statement.execute("SET LOCAL lock_timeout = '2s'");
          statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
          locks.incrementAndGet();
          SeparateWorkersStack.sleep(hold);
        } catch (SQLException e) {
          if (!"55P03".equals(e.getSQLState())) {
            throw e;
          }
        } finally {
          connection.rollback();
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not hold a lock on " + table, e);
      }
    }
  }
}

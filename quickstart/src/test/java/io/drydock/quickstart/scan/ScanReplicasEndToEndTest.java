package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.ScanTestClient;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SeparateWorkersStack.ApiProcess;
import io.drydock.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 001 replayed: three API processes on one database and Temporal server, and a bulk rescan of
 * 300 manifests. NeuVector's replicas each kept scan status in memory and one of them reported
 * "scanning" forever. Here, while the rescan runs, the status writes are held still (the table is
 * locked against writes, not reads) and every replica is asked for the whole scan status, in pages
 * of 128: the three answers must be the same at every sample, and at the end all say {@code
 * finished}.
 */
class ScanReplicasEndToEndTest {
  private static final String REPOSITORY = "replicas/scans";
  private static final int MANIFESTS = 300;
  private static final int REPLICAS = 3;
  private static final int PAGE = 128;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);

  private static SeparateWorkersStack stack;
  private static ExecutorService requests;

  @BeforeAll
  static void startStack() {
    stack =
        SeparateWorkersStack.startWriting(
            "drydock-scan-replicas-legacy-",
            root -> DemoLegacyStorage.generateDebianImages(root, REPOSITORY, MANIFESTS),
            ScanTestClient.BULK_SCAN_SLOTS);
    requests = Executors.newFixedThreadPool(REPLICAS + 1);
  }

  @AfterAll
  static void stopStack() {
    if (requests != null) {
      requests.shutdownNow();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyReplicaAnswersTheSameScanStatusAtEverySampleAndAllEndFinished() throws SQLException {
    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(() -> stack.startWorker("scan-replicas"), requests);
    List<ScanTestClient> replicas =
        IntStream.range(0, REPLICAS)
            .mapToObj(
                i -> CompletableFuture.supplyAsync(() -> stack.startApi("replica-" + i), requests))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .map(ApiProcess::baseUrl)
            .map(ScanTestClient::new)
            .toList();
    worker.join();
    ScanTestClient.awaitScannerUpgradeRescan(stack.workflows);
    stack.awaitLegacyStorage();
    replicas.get(0).importRepository(REPOSITORY);
    ScanTestClient.stopImportIndexing(stack.workflows, stack.database, REPOSITORY);
    DataSource direct = TestPostgres.dataSource(stack.jdbcUrl());

    String id = replicas.get(1).startBulkRescan(REPOSITORY, 16);
    Instant started = Instant.now();
    Map<String, Long> seen = new TreeMap<>();
    int samples = 0;
    long maxDiff = 0;
    String state = "running";
    while (!"finished".equals(state)) {
      List<Map<String, String>> answers = askEveryReplicaWhileStatusWritesWait(direct, replicas);
      long diff = diff(answers);
      maxDiff = Math.max(maxDiff, diff);
      answers.get(0).values().forEach(status -> seen.merge(status, 1L, Long::sum));
      samples++;
      assertThat(diff).as("digests on which the replicas disagree, sample %d", samples).isZero();
      state = replicas.get(samples % REPLICAS).bulkRescan(id).path("state").asText();
      SeparateWorkersStack.sleep(SAMPLE_EVERY);
    }
    Instant finished = Instant.now();
    List<Map<String, String>> last = askEveryReplicaWhileStatusWritesWait(direct, replicas);
    System.out.printf(
        "[drydock-tests] scan replicas: %d manifests rescanned in %d ms; %d samples of %d replicas, largest diff %d;"
            + " statuses seen (manifest-samples): %s%n",
        MANIFESTS,
        Duration.between(started, finished).toMillis(),
        samples,
        REPLICAS,
        maxDiff,
        seen);

    assertThat(samples).isGreaterThan(1);
    assertThat(seen).containsKey("finished");
    assertThat(seen.keySet()).as("statuses seen mid-rescan").hasSizeGreaterThan(1);
    for (Map<String, String> answer : last) {
      assertThat(answer).hasSize(MANIFESTS);
      assertThat(answer.values()).containsOnly("finished");
    }
    assertThat(diff(last)).isZero();
    assertThat(replicas.get(2).bulkRescan(id).path("done").asLong()).isEqualTo(MANIFESTS);
  }

  /**
   * Locks {@code scan_status} against writes ({@code EXCLUSIVE} lets reads through), asks every
   * replica for the whole scan status at once, and releases the lock.
   */
  private static List<Map<String, String>> askEveryReplicaWhileStatusWritesWait(
      DataSource database, List<ScanTestClient> replicas) throws SQLException {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LOCK TABLE scan_status IN EXCLUSIVE MODE");
      }
      try {
        return replicas.stream()
            .map(
                replica ->
                    CompletableFuture.supplyAsync(() -> replica.scanStatuses(null, PAGE), requests))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();
      } finally {
        connection.rollback();
      }
    }
  }

  /**
   * Digests that some replica lists with another status than the first replica, or does not list.
   */
  private static long diff(List<Map<String, String>> answers) {
    Map<String, String> first = answers.get(0);
    return answers.stream()
        .skip(1)
        .mapToLong(
            other ->
                first.entrySet().stream()
                        .filter(e -> !Objects.equals(other.get(e.getKey()), e.getValue()))
                        .count()
                    + other.keySet().stream().filter(digest -> !first.containsKey(digest)).count())
        .sum();
  }
}

package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SeparateWorkersStack.WorkerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the worker in the middle of a bulk rescan: the server times the interrupted
 * activities out, a new worker process retries them, and the bulk rescan ends {@code finished} with
 * every manifest indexed, each report written exactly once.
 */
class ScanWorkerCrashEndToEndTest {
  private static final String REPOSITORY = "crash/scans";
  private static final int MANIFESTS = 300;
  private static final int CONCURRENCY = 16;
  private static final int KILL_AFTER_DONE = 100;

  private static SeparateWorkersStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        SeparateWorkersStack.startWriting(
            "drydock-scan-crash-legacy-",
            root -> DemoLegacyStorage.generateDebianImages(root, REPOSITORY, MANIFESTS),
            ScanTestClient.BULK_SCAN_SLOTS);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aNewWorkerFinishesTheBulkRescanOfAKilledOneAndEveryReportIsWrittenOnce() {
    ScanTestClient client = new ScanTestClient(stack.baseUrl());
    WorkerProcess first = stack.startWorker("scan-crash-1");
    ScanTestClient.awaitScannerUpgradeRescan(stack.workflows);
    stack.awaitLegacyStorage();
    client.importRepository(REPOSITORY);
    ScanTestClient.stopImportIndexing(stack.workflows, stack.database, REPOSITORY);
    ScanAudit audit = ScanAudit.install(stack.database);

    String id = client.startBulkRescan(REPOSITORY, CONCURRENCY);
    Instant started = Instant.now();
    long doneBeforeKill =
        DrydockStack.await(
                () -> client.bulkRescan(id),
                p -> p.path("done").asLong() >= KILL_AFTER_DONE,
                Duration.ofSeconds(180),
                KILL_AFTER_DONE + " rescans")
            .path("done")
            .asLong();
    first.kill();
    Instant killed = Instant.now();
    List<String> inFlightAtKill =
        stack
            .database
            .sql(
                "SELECT manifest_digest FROM scan_status WHERE status IN ('scheduled', 'scanning')")
            .query(String.class)
            .list();
    long finishedAtKill = finishedStatuses();
    System.out.printf(
        "[drydock-tests] scan crash: worker %d killed with SIGKILL %d ms after the bulk rescan started, at %d done"
            + " (%d finished in the database, %d scheduled or scanning)%n",
        first.pid(),
        Duration.between(started, killed).toMillis(),
        doneBeforeKill,
        finishedAtKill,
        inFlightAtKill.size());
    assertThat(finishedAtKill).as("killed before the end").isLessThan(MANIFESTS);
    assertThat(inFlightAtKill).as("killed with rescans under way").isNotEmpty();

    WorkerProcess second = stack.startWorker("scan-crash-2");
    Instant secondUp = Instant.now();
    JsonNode end = client.awaitBulkRescan(id, "finished", Duration.ofSeconds(240));
    Instant finished = Instant.now();
    Map<String, Long> retriedAttempts = new TreeMap<>();
    for (String digest : inFlightAtKill) {
      ScanTestClient.failedRescanAttempts(stack.workflows, digest)
          .forEach((type, n) -> retriedAttempts.merge(type, n, Long::sum));
    }
    System.out.printf(
        "[drydock-tests] scan crash: worker %d polling %d ms after the kill; bulk rescan finished %d ms after the kill"
            + " (%d ms in all); activity attempts of the interrupted rescans that failed and were retried: %s%n",
        second.pid(),
        Duration.between(killed, secondUp).toMillis(),
        Duration.between(killed, finished).toMillis(),
        Duration.between(started, finished).toMillis(),
        retriedAttempts);

    assertThat(end.path("total").asLong()).isEqualTo(MANIFESTS);
    assertThat(end.path("done").asLong()).isEqualTo(MANIFESTS);
    assertThat(end.path("failed").asLong()).isZero();
    Map<String, Object> reports =
        stack
            .database
            .sql(
                """
                SELECT count(*) AS reports,
                       count(*) FILTER (WHERE state = 'IndexFinished' AND success) AS finished,
                       count(DISTINCT (SELECT count(*) FROM jsonb_object_keys(report::jsonb -> 'packages')))
                           AS package_counts,
                       min((SELECT count(*) FROM jsonb_object_keys(report::jsonb -> 'packages'))) AS packages
                  FROM index_reports
                """)
            .query()
            .singleRow();
    assertThat(reports.get("reports")).as("one report per manifest").isEqualTo((long) MANIFESTS);
    assertThat(reports.get("finished")).isEqualTo((long) MANIFESTS);
    assertThat(reports.get("package_counts"))
        .as("every image lists the same Debian packages")
        .isEqualTo(1L);
    assertThat((Long) reports.get("packages")).isPositive();

    List<ScanAudit.Write> writes = audit.writesAfter(0);
    assertThat(ScanAudit.violations(writes)).isEmpty();
    assertThat(audit.digestsWrittenWithDifferentContent(0))
        .as("digests written with two contents")
        .isEmpty();
    assertThat(writes).as("each report written once, the kill notwithstanding").hasSize(MANIFESTS);
    assertThat(writes).extracting(ScanAudit.Write::digest).doesNotHaveDuplicates();
    assertThat(client.scanStatuses(REPOSITORY, 200).values())
        .hasSize(MANIFESTS)
        .containsOnly("finished");
  }

  private static long finishedStatuses() {
    return stack
        .database
        .sql("SELECT count(*) FROM scan_status WHERE status = 'finished'")
        .query(Long.class)
        .single();
  }
}

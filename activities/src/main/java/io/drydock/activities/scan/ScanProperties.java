package io.drydock.activities.scan;

import io.drydock.activities.config.Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The rescan settings, {@code drydock.scan.*} (docs/configuration.md), checked when the process
 * starts: a wrong value stops it with a message naming the environment variable.
 *
 * @param indexWait how long {@code POST /indexer/api/v1/index_report} waits for the indexing before
 *     answering 202 ({@code DRYDOCK_SCAN_INDEX_WAIT})
 * @param bulkConcurrency rescans a bulk rescan runs at once unless the request says otherwise, 1 to
 *     64 ({@code DRYDOCK_SCAN_BULK_CONCURRENCY})
 * @param statementTimeout the statement timeout of the scan tables' transactions ({@code
 *     DRYDOCK_SCAN_STATEMENT_TIMEOUT})
 * @param maxConcurrentActivities scan activities one worker runs at once ({@code
 *     DRYDOCK_SCAN_MAX_CONCURRENT_ACTIVITIES})
 * @param maxConcurrentWorkflowTasks rescan workflow tasks one worker runs at once ({@code
 *     DRYDOCK_SCAN_MAX_CONCURRENT_WORKFLOW_TASKS})
 */
@ConfigurationProperties("drydock.scan")
public record ScanProperties(
    Duration indexWait,
    int bulkConcurrency,
    Duration statementTimeout,
    int maxConcurrentActivities,
    int maxConcurrentWorkflowTasks) {
  /** What a request may ask for at most; more would take every scan slot of the fleet. */
  public static final int MAX_BULK_CONCURRENCY = 64;

  public ScanProperties {
    Settings.requirePositive("DRYDOCK_SCAN_INDEX_WAIT", indexWait);
    Settings.requireBetween(
        "DRYDOCK_SCAN_BULK_CONCURRENCY", bulkConcurrency, 1, MAX_BULK_CONCURRENCY);
    Settings.requirePositive("DRYDOCK_SCAN_STATEMENT_TIMEOUT", statementTimeout);
    Settings.requireBetween(
        "DRYDOCK_SCAN_MAX_CONCURRENT_ACTIVITIES", maxConcurrentActivities, 1, Integer.MAX_VALUE);
    Settings.requireBetween(
        "DRYDOCK_SCAN_MAX_CONCURRENT_WORKFLOW_TASKS",
        maxConcurrentWorkflowTasks,
        1,
        Integer.MAX_VALUE);
  }
}

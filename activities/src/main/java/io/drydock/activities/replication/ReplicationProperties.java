package io.drydock.activities.replication;

import io.drydock.activities.config.Settings;
import io.drydock.workflows.replication.ReplicationSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The artifact replication settings, {@code drydock.replication.*} (docs/configuration.md,
 * docs/api/replication.md), checked when the process starts: a wrong value stops it with a message
 * naming the environment variable. One record for the API's and the worker's settings alike, bound
 * by both from {@link ReplicationConfiguration}, so that a process hosting both (the quick start)
 * binds the prefix once, and each process refuses every wrong value the other would.
 *
 * @param depotDir the local depot, which the API writes and the worker reads ({@code
 *     DRYDOCK_DEPOT_DIR})
 * @param sleds sleds registered at start-up, {@code id=BASE_URL} or {@code id=BASE_URL|DEPOT_URL},
 *     comma-separated; blank for none ({@code DRYDOCK_SLEDS})
 * @param sledRequestTimeout limit of each request to a sled ({@code DRYDOCK_SLED_REQUEST_TIMEOUT})
 * @param maxUploadBytes largest archive, and largest total of its targets ({@code
 *     DRYDOCK_MAX_UPLOAD_BYTES})
 * @param maxUploadEntries most entries an archive may have ({@code DRYDOCK_MAX_UPLOAD_ENTRIES})
 * @param copyTimeout how long a sled-to-sled copy may take before it counts as failed ({@code
 *     DRYDOCK_REPLICATION_COPY_TIMEOUT})
 * @param activationPeriod time between activations without a signal, whole seconds ({@code
 *     DRYDOCK_REPLICATION_ACTIVATION_PERIOD})
 * @param minSledReplication sleds each artifact must be on before the depot's copy is freed ({@code
 *     DRYDOCK_MIN_SLED_REPLICATION})
 * @param maxRequestsInFlight requests to sleds at once ({@code
 *     DRYDOCK_REPLICATION_MAX_REQUESTS_IN_FLIGHT})
 * @param inventoryTimeout limit of each request {@code GET /api/v1/sleds/inventory} sends ({@code
 *     DRYDOCK_SLED_INVENTORY_TIMEOUT})
 */
@ConfigurationProperties("drydock.replication")
public record ReplicationProperties(
    String depotDir,
    String sleds,
    Duration sledRequestTimeout,
    DataSize maxUploadBytes,
    int maxUploadEntries,
    Duration copyTimeout,
    Duration activationPeriod,
    int minSledReplication,
    int maxRequestsInFlight,
    Duration inventoryTimeout) {
  public ReplicationProperties {
    Settings.requirePositive("DRYDOCK_SLED_REQUEST_TIMEOUT", sledRequestTimeout);
    Settings.requirePositive("DRYDOCK_MAX_UPLOAD_BYTES", maxUploadBytes);
    Settings.requireBetween("DRYDOCK_MAX_UPLOAD_ENTRIES", maxUploadEntries, 1, Integer.MAX_VALUE);
    Settings.requirePositive("DRYDOCK_REPLICATION_COPY_TIMEOUT", copyTimeout);
    Settings.requireAtLeast(
        "DRYDOCK_REPLICATION_ACTIVATION_PERIOD", activationPeriod, Duration.ofSeconds(1));
    Settings.requireBetween(
        "DRYDOCK_MIN_SLED_REPLICATION", minSledReplication, 1, Integer.MAX_VALUE);
    Settings.requireBetween(
        "DRYDOCK_REPLICATION_MAX_REQUESTS_IN_FLIGHT", maxRequestsInFlight, 1, Integer.MAX_VALUE);
    Settings.requirePositive("DRYDOCK_SLED_INVENTORY_TIMEOUT", inventoryTimeout);
  }

  Path depot() {
    return Path.of(depotDir);
  }

  /** What a new run of the replication workflow starts with. */
  public ReplicationSettings workflowSettings() {
    return new ReplicationSettings(
        activationPeriod.toSeconds(), minSledReplication, maxRequestsInFlight);
  }
}

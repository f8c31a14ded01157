package io.drydock.api.replication;

import io.drydock.activities.replication.ArtifactStore;
import io.drydock.activities.replication.ReplicationConfiguration;
import io.drydock.activities.replication.RequestLog;
import io.drydock.activities.replication.SledClient;
import io.drydock.activities.replication.SledRegistry;
import io.drydock.activities.replication.TufRepositoryUpload;
import io.drydock.workflows.replication.ReplicationSettings;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The replication API's handlers, the settings the workflow is started with, and the sled inventory. */
@Configuration(proxyBeanMethods = false)
@Import(ReplicationConfiguration.class)
public class ReplicationApiConfiguration {
  /** Sleds asked at once by the inventory. */
  private static final int INVENTORY_PARALLELISM = 8;

  @Bean
  ReplicationSignals replicationSignals(
      WorkflowClient client,
      @Value("${drydock.replication.activation-period}") Duration activationPeriod,
      @Value("${drydock.replication.min-sled-replication}") int minSledReplication,
      @Value("${drydock.replication.max-requests-in-flight}") int maxRequestsInFlight) {
    require(activationPeriod.toSeconds() >= 1, "DRYDOCK_REPLICATION_ACTIVATION_PERIOD must be at least 1s");
    require(minSledReplication >= 1, "DRYDOCK_MIN_SLED_REPLICATION must be at least 1");
    require(maxRequestsInFlight >= 1, "DRYDOCK_REPLICATION_MAX_REQUESTS_IN_FLIGHT must be at least 1");
    return new ReplicationSignals(
        client, new ReplicationSettings(activationPeriod.toSeconds(), minSledReplication, maxRequestsInFlight));
  }

  @Bean
  SledInventory sledInventory(
      SledRegistry registry,
      ArtifactStore store,
      @Value("${drydock.replication.inventory-timeout}") Duration timeout) {
    return new SledInventory(registry, new SledClient(registry, timeout), store, INVENTORY_PARALLELISM);
  }

  @Bean
  ArtifactRepositoryController artifactRepositoryController(
      TufRepositoryUpload upload, ArtifactStore store, ReplicationSignals signals) {
    return new ArtifactRepositoryController(upload, store, signals);
  }

  @Bean
  SledController sledController(
      SledRegistry registry, SledInventory inventory, ReplicationSignals signals) {
    return new SledController(registry, inventory, signals);
  }

  @Bean
  ReplicationController replicationController(
      ReplicationSignals signals, ArtifactStore store, RequestLog replicationRequestLog) {
    return new ReplicationController(signals, store, replicationRequestLog);
  }

  private static void require(boolean valid, String message) {
    if (!valid) {
      throw new IllegalStateException(message);
    }
  }
}

package io.drydock.api.replication;

import io.drydock.activities.replication.ArtifactStore;
import io.drydock.activities.replication.ReplicationConfiguration;
import io.drydock.activities.replication.ReplicationProperties;
import io.drydock.activities.replication.RequestLog;
import io.drydock.activities.replication.SledClient;
import io.drydock.activities.replication.SledRegistry;
import io.drydock.activities.replication.TufRepositoryUpload;
import io.temporal.client.WorkflowClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The replication API's handlers, the settings the workflow is started with, and the sled
 * inventory.
 */
@Configuration(proxyBeanMethods = false)
@Import(ReplicationConfiguration.class)
public class ReplicationApiConfiguration {
  /** Sleds asked at once by the inventory. */
  private static final int INVENTORY_PARALLELISM = 8;

  @Bean
  ReplicationSignals replicationSignals(WorkflowClient client, ReplicationProperties replication) {
    return new ReplicationSignals(client, replication.workflowSettings());
  }

  @Bean
  SledInventory sledInventory(
      SledRegistry registry, ArtifactStore store, ReplicationProperties replication) {
    return new SledInventory(
        registry,
        new SledClient(registry, replication.inventoryTimeout()),
        store,
        INVENTORY_PARALLELISM);
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
}

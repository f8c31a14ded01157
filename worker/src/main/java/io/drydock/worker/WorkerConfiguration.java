package io.drydock.worker;

import io.drydock.activities.config.StorageConfiguration;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.CallerNotificationsImpl;
import io.drydock.activities.migration.MigrationActivitiesImpl;
import io.drydock.activities.migration.NotificationOutbox;
import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.replication.ReplicationActivitiesConfiguration;
import io.drydock.activities.replication.ReplicationActivitiesImpl;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.drydock.workflows.migration.FinalImportWorkflowImpl;
import io.drydock.workflows.migration.PreImportWorkflowImpl;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The Temporal workers and the activity implementations they host. */
@Configuration(proxyBeanMethods = false)
@Import({StorageConfiguration.class, ReplicationActivitiesConfiguration.class})
public class WorkerConfiguration {
  @Bean
  MigrationActivitiesImpl migrationActivities(
      LegacyStorage legacyStorage, RegistryStore registryStore, @Value("${drydock.migration.batch-size}") int batch) {
    return new MigrationActivitiesImpl(legacyStorage, registryStore, batch);
  }

  @Bean
  CallerNotificationsImpl callerNotifications(
      DataSource dataSource,
      @Value("${drydock.notification.url}") String url,
      @Value("${drydock.notification.secret}") String secret,
      @Value("${drydock.notification.give-up-after}") Duration giveUpAfter) {
    return new CallerNotificationsImpl(new NotificationOutbox(dataSource), url, secret, giveUpAfter);
  }

  @Bean
  WorkerFactory drydockWorkerFactory(
      WorkflowClient client,
      MigrationActivitiesImpl migrationActivities,
      CallerNotificationsImpl callerNotifications,
      ReplicationActivitiesImpl replicationActivities) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker migration =
        factory.newWorker(
            MigrationWorkflows.TASK_QUEUE,
            WorkerOptions.newBuilder()
                // A cancel reaches an activity in the answer to its heartbeat: heartbeats leave at least every
                // half second, so a canceled import stops within a second.
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(500))
                .build());
    migration.registerWorkflowImplementationTypes(PreImportWorkflowImpl.class, FinalImportWorkflowImpl.class);
    migration.registerActivitiesImplementations(migrationActivities, callerNotifications);
    factory.newWorker(ReplicationWorkflows.TASK_QUEUE).registerActivitiesImplementations(replicationActivities);
    return factory;
  }

  @Bean
  WorkerLifecycle drydockWorkerLifecycle(WorkerFactory drydockWorkerFactory) {
    return new WorkerLifecycle(drydockWorkerFactory);
  }
}

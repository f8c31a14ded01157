package io.drydock.worker;

import io.drydock.activities.config.HealthConfiguration;
import io.drydock.activities.config.StorageConfiguration;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.CallerNotificationsImpl;
import io.drydock.activities.migration.ImportRunStore;
import io.drydock.activities.migration.ImportedMetadataStore;
import io.drydock.activities.migration.MigrationActivitiesImpl;
import io.drydock.activities.migration.MigrationProperties;
import io.drydock.activities.migration.NotificationOutbox;
import io.drydock.activities.migration.NotificationProperties;
import io.drydock.activities.replication.ReplicationActivitiesConfiguration;
import io.drydock.activities.replication.ReplicationActivitiesImpl;
import io.drydock.activities.scan.ScanActivitiesImpl;
import io.drydock.activities.scan.ScanProperties;
import io.drydock.activities.scan.ScanStore;
import io.drydock.activities.scan.ScannerUpgradeRescan;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.workflows.migration.FinalImportWorkflowImpl;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.drydock.workflows.migration.PreImportWorkflowImpl;
import io.drydock.workflows.replication.ReplicationWorkflowImpl;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.drydock.workflows.scan.BulkRescanWorkflowImpl;
import io.drydock.workflows.scan.RescanWorkflowImpl;
import io.drydock.workflows.scan.ScanWorkflows;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The Temporal workers and the activity implementations they host. */
@Configuration(proxyBeanMethods = false)
@Import({
  StorageConfiguration.class,
  HealthConfiguration.class,
  ReplicationActivitiesConfiguration.class
})
@EnableConfigurationProperties({MigrationProperties.class, ScanProperties.class})
public class WorkerConfiguration {
  @Bean
  MigrationActivitiesImpl migrationActivities(
      LegacyStorage legacyStorage,
      DataSource dataSource,
      MigrationProperties migration,
      MeterRegistry meters) {
    return new MigrationActivitiesImpl(
        legacyStorage,
        new ImportRunStore(dataSource),
        new ImportedMetadataStore(dataSource),
        migration.batchSize(),
        meters);
  }

  @Bean
  CallerNotificationsImpl callerNotifications(
      DataSource dataSource, NotificationProperties notifications, MeterRegistry meters) {
    return new CallerNotificationsImpl(new NotificationOutbox(dataSource), notifications, meters);
  }

  @Bean
  ScanStore scanStore(DataSource dataSource, ScanProperties scan) {
    return new ScanStore(dataSource, scan.statementTimeout());
  }

  @Bean
  ScanActivitiesImpl scanActivities(
      ScanStore store, LegacyStorage legacyStorage, MeterRegistry meters) {
    return new ScanActivitiesImpl(store, legacyStorage, ScannerSet.current(), meters);
  }

  @Bean
  ScannerUpgradeRescan scannerUpgradeRescan(
      ScanStore store, WorkflowClient client, ScanProperties scan) {
    return new ScannerUpgradeRescan(store, client, ScannerSet.current(), scan.bulkConcurrency());
  }

  @Bean
  WorkerFactory drydockWorkerFactory(
      WorkflowClient client,
      MigrationActivitiesImpl migrationActivities,
      CallerNotificationsImpl callerNotifications,
      ScanActivitiesImpl scanActivities,
      ReplicationActivitiesImpl replicationActivities,
      ScanProperties scanSettings) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker migration =
        factory.newWorker(MigrationWorkflows.TASK_QUEUE, heartbeatsEveryHalfSecond());
    migration.registerWorkflowImplementationTypes(
        PreImportWorkflowImpl.class, FinalImportWorkflowImpl.class);
    migration.registerActivitiesImplementations(migrationActivities, callerNotifications);
    // The scan worker runs a few activities and workflow tasks at once, however many rescans wait:
    // the others wait in
    // Temporal's task queue, where they cost nothing. With the SDK's default of 200 slots each, 300
    // rescans took the
    // CPU and the database connections from the migration worker, and a canceled import took
    // seconds to stop instead
    // of a fraction of one (benchmarks/migration.sh --scan-load).
    Worker scan =
        factory.newWorker(
            ScanWorkflows.TASK_QUEUE,
            WorkerOptions.newBuilder(heartbeatsEveryHalfSecond())
                .setMaxConcurrentActivityExecutionSize(scanSettings.maxConcurrentActivities())
                .setMaxConcurrentWorkflowTaskExecutionSize(
                    scanSettings.maxConcurrentWorkflowTasks())
                .build());
    scan.registerWorkflowImplementationTypes(
        RescanWorkflowImpl.class, BulkRescanWorkflowImpl.class);
    scan.registerActivitiesImplementations(scanActivities);
    Worker replication =
        factory.newWorker(ReplicationWorkflows.TASK_QUEUE, heartbeatsEveryHalfSecond());
    replication.registerWorkflowImplementationTypes(ReplicationWorkflowImpl.class);
    replication.registerActivitiesImplementations(replicationActivities);
    return factory;
  }

  @Bean
  WorkerLifecycle drydockWorkerLifecycle(
      WorkflowClient client,
      WorkerFactory drydockWorkerFactory,
      ScannerUpgradeRescan scannerUpgradeRescan,
      ApplicationEventPublisher events) {
    return new WorkerLifecycle(client, drydockWorkerFactory, scannerUpgradeRescan, events);
  }

  /**
   * A cancel reaches an activity in the answer to its heartbeat: heartbeats leave at least every
   * half second, so a canceled import or scan stops within a second.
   */
  private static WorkerOptions heartbeatsEveryHalfSecond() {
    return WorkerOptions.newBuilder()
        .setMaxHeartbeatThrottleInterval(Duration.ofMillis(500))
        .build();
  }
}

package io.drydock.activities.replication;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The replication activities, for the worker that hosts them. */
@Configuration(proxyBeanMethods = false)
@Import(ReplicationConfiguration.class)
public class ReplicationActivitiesConfiguration {
  @Bean
  ReplicationActivitiesImpl replicationActivities(
      ArtifactStore store,
      LocalDepot depot,
      SledClient sledClient,
      RequestLog replicationRequestLog,
      ReplicationProperties replication,
      MeterRegistry meters) {
    return new ReplicationActivitiesImpl(
        store, depot, sledClient, replicationRequestLog, replication.copyTimeout(), meters);
  }
}

package io.drydock.activities.replication;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
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
      @Value("${drydock.replication.copy-timeout}") Duration copyTimeout,
      MeterRegistry meters) {
    return new ReplicationActivitiesImpl(store, depot, sledClient, replicationRequestLog, copyTimeout, meters);
  }
}

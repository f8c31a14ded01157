package io.drydock.activities.config;

import io.temporal.client.WorkflowClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Readiness for the worker and the API: both import this configuration (once in the quick start),
 * whose properties put the database and the Temporal connection in the readiness group.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:drydock-health.properties")
public class HealthConfiguration {
  @Bean
  TemporalHealthIndicator temporalHealthIndicator(WorkflowClient client) {
    return new TemporalHealthIndicator(client.getWorkflowServiceStubs());
  }
}

package io.drydock.api.migration;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.MigrationProperties;
import io.drydock.activities.migration.RegistryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The GitLab API's handlers (compliance check, import) and the limits the import's claims enforce.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MigrationProperties.class, TemporalStartProperties.class})
public class MigrationApiConfiguration {
  @Bean
  RegistryStore registryStore(DataSource dataSource) {
    return new RegistryStore(dataSource);
  }

  @Bean
  ImportStarter importStarter(
      RegistryStore store,
      WorkflowClient client,
      MigrationProperties migration,
      TemporalStartProperties temporal,
      MeterRegistry meters) {
    return new ImportStarter(
        store,
        client,
        migration.claimLimits(),
        migration.waitForOperatorAfterFailure(),
        temporal.startTimeout(),
        meters);
  }

  @Bean
  OperatorController operatorController(RegistryStore store, ImportStarter importStarter) {
    return new OperatorController(store, importStarter);
  }

  @Bean
  ImportController importController(
      RegistryStore store, LegacyStorage legacy, ImportStarter importStarter) {
    return new ImportController(store, legacy, importStarter);
  }

  @Bean
  ComplianceController complianceController(ObjectProvider<BuildProperties> build) {
    return new ComplianceController(build);
  }
}

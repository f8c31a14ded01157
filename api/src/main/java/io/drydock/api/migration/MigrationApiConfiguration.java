package io.drydock.api.migration;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.ClaimLimits;
import io.drydock.activities.migration.RegistryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The GitLab API's handlers (compliance check, import) and the limits the import's claims enforce. */
@Configuration(proxyBeanMethods = false)
public class MigrationApiConfiguration {
  @Bean
  ImportStarter importStarter(
      RegistryStore store,
      WorkflowClient client,
      @Value("${drydock.migration.max-concurrent-imports}") int maxConcurrentImports,
      @Value("${drydock.migration.cancel-grace-deadline}") Duration cancelGraceDeadline,
      @Value("${drydock.migration.wait-for-operator-after-failure}") Duration waitForOperator,
      @Value("${drydock.temporal.start-timeout}") Duration startTimeout,
      MeterRegistry meters) {
    return new ImportStarter(
        store,
        client,
        new ClaimLimits(maxConcurrentImports, cancelGraceDeadline),
        waitForOperator,
        startTimeout,
        meters);
  }

  @Bean
  OperatorController operatorController(RegistryStore store, ImportStarter importStarter) {
    return new OperatorController(store, importStarter);
  }

  @Bean
  ImportController importController(RegistryStore store, LegacyStorage legacy, ImportStarter importStarter) {
    return new ImportController(store, legacy, importStarter);
  }

  @Bean
  ComplianceController complianceController(ObjectProvider<BuildProperties> build) {
    return new ComplianceController(build);
  }
}

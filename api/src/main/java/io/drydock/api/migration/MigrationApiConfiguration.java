package io.drydock.api.migration;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.RegistryStore;
import io.temporal.client.WorkflowClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The import API's handlers. */
@Configuration(proxyBeanMethods = false)
public class MigrationApiConfiguration {
  @Bean
  PreImportStarter preImportStarter(RegistryStore store, WorkflowClient client) {
    return new PreImportStarter(store, client);
  }

  @Bean
  ImportController importController(RegistryStore store, LegacyStorage legacy, PreImportStarter preImportStarter) {
    return new ImportController(store, legacy, preImportStarter);
  }
}

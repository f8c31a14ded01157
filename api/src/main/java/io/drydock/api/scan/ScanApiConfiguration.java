package io.drydock.api.scan;

import io.drydock.activities.scan.ScanProperties;
import io.drydock.activities.scan.ScanQueries;
import io.temporal.client.WorkflowClient;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The indexer and rescan API's handlers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScanProperties.class)
public class ScanApiConfiguration {
  @Bean
  RescanStarter rescanStarter(WorkflowClient client, ScanProperties scan) {
    return new RescanStarter(client, scan.indexWait());
  }

  @Bean
  ScanQueries scanQueries(DataSource dataSource, ScanProperties scan) {
    return new ScanQueries(dataSource, scan.statementTimeout());
  }

  @Bean
  ClairIndexerController clairIndexerController(ScanQueries store, RescanStarter rescans) {
    return new ClairIndexerController(store, rescans);
  }

  @Bean
  ClairAffectedManifestController clairAffectedManifestController(ScanQueries store) {
    return new ClairAffectedManifestController(store);
  }

  @Bean
  RescanController rescanController(ScanQueries store, RescanStarter rescans, ScanProperties scan) {
    return new RescanController(store, rescans, scan.bulkConcurrency());
  }
}

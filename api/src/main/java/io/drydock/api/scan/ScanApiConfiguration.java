package io.drydock.api.scan;

import io.drydock.activities.scan.ScanQueries;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The indexer and rescan API's handlers. */
@Configuration(proxyBeanMethods = false)
public class ScanApiConfiguration {
  @Bean
  RescanStarter rescanStarter(WorkflowClient client, @Value("${drydock.scan.index-wait}") Duration indexWait) {
    return new RescanStarter(client, indexWait);
  }

  @Bean
  ScanQueries scanQueries(DataSource dataSource, @Value("${drydock.scan.statement-timeout}") Duration statementTimeout) {
    return new ScanQueries(dataSource, statementTimeout);
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
  RescanController rescanController(
      ScanQueries store, RescanStarter rescans, @Value("${drydock.scan.bulk-concurrency}") int concurrency) {
    return new RescanController(store, rescans, concurrency);
  }
}

package io.drydock.api.scan;

import io.drydock.activities.scan.ScanStore;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
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
  ClairIndexerController clairIndexerController(ScanStore store, RescanStarter rescans) {
    return new ClairIndexerController(store, rescans);
  }

  @Bean
  ClairAffectedManifestController clairAffectedManifestController(ScanStore store) {
    return new ClairAffectedManifestController(store);
  }

  @Bean
  RescanController rescanController(
      ScanStore store, RescanStarter rescans, @Value("${drydock.scan.bulk-concurrency}") int concurrency) {
    return new RescanController(store, rescans, concurrency);
  }
}

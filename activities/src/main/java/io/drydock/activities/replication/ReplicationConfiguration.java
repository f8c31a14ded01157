package io.drydock.activities.replication;

import io.drydock.activities.config.StorageConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.unit.DataSize;

/**
 * Artifact replication's storage, shared by the API (uploads, sled registration) and the worker (the activities):
 * the database, the local depot, the sled registry and the client that reaches sleds through it.
 */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
public class ReplicationConfiguration {
  @Bean
  LocalDepot localDepot(@Value("${drydock.replication.depot-dir}") String dir) {
    return new LocalDepot(Path.of(dir));
  }

  @Bean
  SledRegistry sledRegistry(DataSource dataSource) {
    return new SledRegistry(dataSource);
  }

  @Bean
  ConfiguredSleds configuredSleds(SledRegistry registry, @Value("${drydock.replication.sleds}") String sleds) {
    return new ConfiguredSleds(registry, sleds);
  }

  @Bean
  ArtifactStore artifactStore(DataSource dataSource, LocalDepot depot) {
    return new ArtifactStore(dataSource, depot);
  }

  @Bean
  RequestLog replicationRequestLog(DataSource dataSource) {
    return new RequestLog(dataSource);
  }

  @Bean
  SledClient sledClient(
      SledRegistry registry, @Value("${drydock.replication.sled-request-timeout}") Duration requestTimeout) {
    return new SledClient(registry, requestTimeout);
  }

  @Bean
  TufRepositoryUpload tufRepositoryUpload(
      ArtifactStore store,
      LocalDepot depot,
      @Value("${drydock.replication.max-upload-bytes}") DataSize maxUploadBytes,
      @Value("${drydock.replication.max-upload-entries}") int maxEntries) {
    return new TufRepositoryUpload(store, depot, maxUploadBytes.toBytes(), maxEntries);
  }
}

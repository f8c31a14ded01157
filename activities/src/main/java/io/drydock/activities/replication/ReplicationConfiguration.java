package io.drydock.activities.replication;

import io.drydock.activities.config.StorageConfiguration;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Artifact replication's storage, shared by the API (uploads, sled registration) and the worker
 * (the activities): the database, the local depot, the sled registry and the client that reaches
 * sleds through it, and the settings of both.
 */
@Configuration(proxyBeanMethods = false)
@Import(StorageConfiguration.class)
@EnableConfigurationProperties({ReplicationProperties.class, TufProperties.class})
public class ReplicationConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ReplicationConfiguration.class);

  @Bean
  LocalDepot localDepot(ReplicationProperties replication) {
    return new LocalDepot(replication.depot());
  }

  @Bean
  SledRegistry sledRegistry(DataSource dataSource) {
    return new SledRegistry(dataSource);
  }

  @Bean
  ConfiguredSleds configuredSleds(SledRegistry registry, ReplicationProperties replication) {
    return new ConfiguredSleds(registry, replication.sleds());
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
  SledClient sledClient(SledRegistry registry, ReplicationProperties replication) {
    return new SledClient(registry, replication.sledRequestTimeout());
  }

  /**
   * With a trusted root every upload is verified, whatever {@code allowUnsigned} says; without one,
   * uploads are refused unless {@code allowUnsigned} (the quick start's demo), which is logged as a
   * warning.
   */
  @Bean
  TufRepositoryUpload tufRepositoryUpload(
      ArtifactStore store, LocalDepot depot, ReplicationProperties replication, TufProperties tuf) {
    List<TufTrust.TrustedRoot> roots = TufTrust.load(tuf.trustedRootFiles());
    if (!roots.isEmpty()) {
      log.info(
          "artifact repository uploads are verified against {} trusted TUF root(s): {}",
          roots.size(),
          roots.stream().map(root -> root.source() + " (" + root.id() + ")").toList());
    } else if (tuf.allowUnsigned()) {
      log.warn(
          "DRYDOCK_TUF_ALLOW_UNSIGNED=true and no DRYDOCK_TUF_TRUSTED_ROOT: artifact repositories are accepted"
              + " WITHOUT verifying their signatures; never run a production system so");
    } else {
      log.info(
          "no DRYDOCK_TUF_TRUSTED_ROOT: artifact repository uploads are refused (TUF_ROOT_NOT_CONFIGURED)");
    }
    return new TufRepositoryUpload(
        store,
        depot,
        replication.maxUploadBytes().toBytes(),
        replication.maxUploadEntries(),
        new TufTrust(roots, Clock.systemUTC()),
        tuf.allowUnsigned());
  }
}

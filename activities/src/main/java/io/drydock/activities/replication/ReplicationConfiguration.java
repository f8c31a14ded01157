package io.drydock.activities.replication;

import io.drydock.activities.config.StorageConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  private static final Logger log = LoggerFactory.getLogger(ReplicationConfiguration.class);

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

  /**
   * With a trusted root every upload is verified, whatever {@code allowUnsigned} says; without one, uploads are
   * refused unless {@code allowUnsigned} (the quick start's demo), which is logged as a warning.
   */
  @Bean
  TufRepositoryUpload tufRepositoryUpload(
      ArtifactStore store,
      LocalDepot depot,
      @Value("${drydock.replication.max-upload-bytes}") DataSize maxUploadBytes,
      @Value("${drydock.replication.max-upload-entries}") int maxEntries,
      @Value("${drydock.tuf.trusted-root}") String trustedRoots,
      @Value("${drydock.tuf.allow-unsigned}") boolean allowUnsigned) {
    List<Path> rootFiles =
        Arrays.stream(trustedRoots.split(",")).map(String::trim).filter(path -> !path.isEmpty()).map(Path::of).toList();
    List<TufTrust.TrustedRoot> roots = TufTrust.load(rootFiles);
    if (!roots.isEmpty()) {
      log.info(
          "artifact repository uploads are verified against {} trusted TUF root(s): {}",
          roots.size(),
          roots.stream().map(root -> root.source() + " (" + root.id() + ")").toList());
    } else if (allowUnsigned) {
      log.warn(
          "DRYDOCK_TUF_ALLOW_UNSIGNED=true and no DRYDOCK_TUF_TRUSTED_ROOT: artifact repositories are accepted"
              + " WITHOUT verifying their signatures; never run a production system so");
    } else {
      log.info("no DRYDOCK_TUF_TRUSTED_ROOT: artifact repository uploads are refused (TUF_ROOT_NOT_CONFIGURED)");
    }
    return new TufRepositoryUpload(
        store, depot, maxUploadBytes.toBytes(), maxEntries, new TufTrust(roots, Clock.systemUTC()), allowUnsigned);
  }
}

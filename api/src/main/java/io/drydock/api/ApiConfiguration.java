package io.drydock.api;

import io.drydock.activities.config.StorageConfiguration;
import io.drydock.api.errors.TomcatErrorCustomizer;
import io.drydock.api.errors.OciErrorController;
import io.drydock.api.errors.OciErrorHandler;
import io.drydock.api.migration.MigrationApiConfiguration;
import io.drydock.api.replication.ReplicationApiConfiguration;
import io.drydock.api.scan.ScanApiConfiguration;
import io.drydock.api.security.SecurityConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The REST API: handlers, their error rendering, and the storage they read. */
@Configuration(proxyBeanMethods = false)
@Import({
  StorageConfiguration.class,
  MigrationApiConfiguration.class,
  ScanApiConfiguration.class,
  ReplicationApiConfiguration.class,
  SecurityConfiguration.class,
  OciErrorHandler.class,
  TomcatErrorCustomizer.class,
  OciErrorController.class
})
public class ApiConfiguration {}

package io.drydock.api;

import io.drydock.activities.config.HealthConfiguration;
import io.drydock.activities.config.StorageConfiguration;
import io.drydock.api.errors.ApiErrorHandler;
import io.drydock.api.errors.ErrorDispatchController;
import io.drydock.api.errors.TomcatErrorCustomizer;
import io.drydock.api.migration.MigrationApiConfiguration;
import io.drydock.api.openapi.OpenApiConfiguration;
import io.drydock.api.replication.ReplicationApiConfiguration;
import io.drydock.api.scan.ScanApiConfiguration;
import io.drydock.api.security.SecurityConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

/** The REST API: handlers, their error rendering, and the storage they read. */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:drydock-api-defaults.properties")
@Import({
  StorageConfiguration.class,
  HealthConfiguration.class,
  MigrationApiConfiguration.class,
  ScanApiConfiguration.class,
  ReplicationApiConfiguration.class,
  SecurityConfiguration.class,
  HttpConfiguration.class,
  ApiErrorHandler.class,
  TomcatErrorCustomizer.class,
  ErrorDispatchController.class,
  OpenApiConfiguration.class
})
public class ApiConfiguration {}

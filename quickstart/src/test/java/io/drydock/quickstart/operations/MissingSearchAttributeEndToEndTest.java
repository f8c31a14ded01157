package io.drydock.quickstart.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drydock.api.ApiApplication;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DevTokens;
import io.drydock.quickstart.DrydockStack;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.enums.v1.IndexedValueType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A namespace that lacks a search attribute the import workflows start with: the server refuses the
 * start, the API answers 503 and counts the failure with reason {@code search_attributes}, which an
 * alert can tell from an outage.
 */
class MissingSearchAttributeEndToEndTest {
  private static final String REPOSITORY = "attributes/app";

  @TempDir Path legacyRoot;

  @Test
  void aStartRefusedForItsSearchAttributesIsCountedAsSuch()
      throws IOException, InterruptedException {
    Map<String, IndexedValueType> withoutRepositoryPath =
        new LinkedHashMap<>(DrydockSearchAttributes.all());
    withoutRepositoryPath.remove(DrydockSearchAttributes.REPOSITORY_PATH.getName());
    DemoLegacyStorage.generateSynthetic(legacyRoot, REPOSITORY, 1, 1);
    try (TemporalTestServer temporal = TemporalTestServer.start(withoutRepositoryPath)) {
      assumeTrue(
          temporal.isRealServer(),
          "the SDK's Java test server does not check search attributes on a start");
      try (ConfigurableApplicationContext api =
          new SpringApplicationBuilder(ApiApplication.class)
              .run(
                  "--server.port=0",
                  "--spring.datasource.url=" + TestPostgres.freshDatabase(),
                  "--spring.temporal.connection.target=" + temporal.target(),
                  "--drydock.legacy-storage-root=" + legacyRoot,
                  "--drydock.auth.jwt-secret=" + DrydockStack.TOKEN_SECRET)) {
        String token =
            DevTokens.operatorToken(
                DrydockStack.TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());
        HttpResponse<String> put =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + api.getEnvironment().getProperty("local.server.port")
                                    + "/gitlab/v1/import/"
                                    + REPOSITORY
                                    + "/?import_type=pre"))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .header("Authorization", "Bearer " + token)
                        .build(),
                    HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
        assertThat(
                api.getBean(MeterRegistry.class)
                    .counter(
                        "drydock.workflow.start.failures",
                        "import_type",
                        "pre",
                        "reason",
                        "search_attributes")
                    .count())
            .isEqualTo(1);
      }
    }
  }
}

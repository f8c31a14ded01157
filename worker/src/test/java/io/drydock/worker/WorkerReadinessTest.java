package io.drydock.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker's management port: a worker started while its Temporal server is down is live but not
 * ready, and becomes ready, polling, once the server is back; its Prometheus metrics carry the
 * Temporal SDK's worker series. One that then finds the namespace without the search attributes
 * stops being live.
 */
class WorkerReadinessTest {
  private static final Duration SERVER_BACK = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path directories;

  @Test
  void aWorkerStartedWhileTemporalIsDownIsNotReadyUntilTheServerAnswers() throws IOException {
    Files.createDirectories(directories.resolve("legacy/docker/registry/v2"));
    try (TemporalTestServer temporal = TemporalTestServer.start(DrydockSearchAttributes.all())) {
      temporal.stopKeepingPort();
      try (ConfigurableApplicationContext worker = startWorker(temporal)) {
        String base = baseUrl(worker);

        HttpResponse<String> notReady = get(base + "/actuator/health/readiness");
        assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
        assertThat(notReady.body())
            .contains("\"temporal\":{\"status\":\"DOWN\"}")
            .contains("\"db\":{\"status\":\"UP\"}");
        assertThat(get(base + "/actuator/health/liveness").statusCode()).isEqualTo(200);

        temporal.restart();
        HttpResponse<String> ready =
            await(base + "/actuator/health/readiness", answer -> answer.statusCode() == 200);
        assertThat(ready.body()).contains("\"temporal\":{\"status\":\"UP\"}");
        String metrics =
            await(
                    base + "/actuator/prometheus",
                    answer -> answer.body().contains("temporal_worker_task_slots_available"))
                .body();
        assertThat(metrics).contains("temporal_worker_task_slots_available{");
      }
    }
  }

  /**
   * A namespace without Drydock's search attributes, found only once the server answers: the worker
   * stops being live, to be restarted (and then to refuse to start, naming them, as
   * SearchAttributeCheckTest shows).
   */
  @Test
  void aWorkerThatFindsTheSearchAttributesMissingOnceTheServerAnswersIsNoLongerLive()
      throws IOException {
    Files.createDirectories(directories.resolve("legacy/docker/registry/v2"));
    try (TemporalTestServer temporal =
        TemporalTestServer.start(SearchAttributeCheckTest.allButRescanTotal())) {
      assumeTrue(
          temporal.isRealServer(), "the SDK's Java test server cannot list search attributes");
      temporal.stopKeepingPort();
      try (ConfigurableApplicationContext worker = startWorker(temporal)) {
        String base = baseUrl(worker);
        assertThat(get(base + "/actuator/health/liveness").statusCode()).isEqualTo(200);

        temporal.restart();

        assertThat(
                await(base + "/actuator/health/liveness", answer -> answer.statusCode() != 200)
                    .statusCode())
            .isEqualTo(503);
      }
    }
  }

  private ConfigurableApplicationContext startWorker(TemporalTestServer temporal) {
    return new SpringApplicationBuilder(WorkerApplication.class)
        .run(
            "--server.port=0",
            "--spring.datasource.url=" + TestPostgres.freshDatabase(),
            "--spring.temporal.connection.target=" + temporal.target(),
            "--drydock.legacy-storage-root=" + directories.resolve("legacy"),
            "--drydock.replication.depot-dir=" + directories.resolve("depot"));
  }

  private static String baseUrl(ConfigurableApplicationContext worker) {
    return "http://127.0.0.1:" + worker.getEnvironment().getProperty("local.server.port");
  }

  /**
   * The first answer that satisfies {@code until}, asked again while it does not (the worker
   * reconnects by itself).
   */
  private HttpResponse<String> await(String url, Predicate<HttpResponse<String>> until) {
    return Awaitility.await(url)
        .atMost(SERVER_BACK)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(url), until);
  }

  private HttpResponse<String> get(String url) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

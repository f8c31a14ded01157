package io.drydock.api.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drydock.api.ApiApplication;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The API process as it ships when its infrastructure is down: no Temporal server listens at its
 * address, and its PostgreSQL is reached through a relay the test cuts as a restart would. Every
 * answer is bounded and a 503 in the envelope of its path, and nothing is left changed.
 */
class InfrastructureOutageApiTest {
  private static final String SECRET = "infrastructure-outage-tests-hs256-secret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = token();
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final List<String[]> DATABASE_REQUESTS =
      List.of(
          new String[] {"GET", "/gitlab/v1/import/outage/app/"},
          new String[] {"PUT", "/gitlab/v1/import/outage/app/?import_type=pre"},
          new String[] {"DELETE", "/gitlab/v1/import/outage/app/"},
          new String[] {"GET", "/indexer/api/v1/index_report/" + DIGEST},
          new String[] {"DELETE", "/indexer/api/v1/index_report/" + DIGEST},
          new String[] {
            "POST",
            "/indexer/api/v1/internal/affected_manifest/",
            "{\"vulnerabilities\":[{\"id\":\"1\",\"package\":{\"name\":\"openssl\"}}]}"
          },
          new String[] {"GET", "/api/v1/sleds"},
          new String[] {"GET", "/api/v1/artifact-repositories"});

  @TempDir static Path legacy;
  private static CuttableLink database;
  private static JdbcClient jdbc;
  private static ConfigurableApplicationContext api;
  private static String baseUrl;

  @BeforeAll
  static void startApi() throws IOException {
    String url = TestPostgres.freshDatabase();
    jdbc = JdbcClient.create(TestPostgres.dataSource(url));
    Matcher port = Pattern.compile("//[^:/]+:(\\d+)/").matcher(url);
    assertThat(port.find()).as(url).isTrue();
    database = new CuttableLink(Integer.parseInt(port.group(1)));
    DemoLegacyStorage.generateSynthetic(legacy, "outage/app", 3, 1);
    api =
        new SpringApplicationBuilder(ApiApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url="
                    + port.replaceFirst("//127.0.0.1:" + database.port() + "/"),
                "--spring.temporal.connection.target=127.0.0.1:" + closedPort(),
                "--drydock.temporal.start-timeout=" + START_TIMEOUT.toMillis() + "ms",
                // A shorter wait for a connection than the shipped 5 s keeps the test short; the
                // answers are the same.
                "--spring.datasource.hikari.connection-timeout=1000",
                "--drydock.legacy-storage-root=" + legacy,
                "--drydock.auth.jwt-secret=" + SECRET);
    baseUrl = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stopApi() throws IOException {
    api.close();
    database.close();
  }

  /**
   * Today's SDK retries an unreachable server for up to a minute per start while the repository
   * reads in progress.
   */
  @Test
  void aPreImportWithTemporalUnreachableAnswers503WithinTheStartTimeoutAndLeavesNoRow() {
    long started = System.nanoTime();
    HttpResponse<String> put = send("PUT", "/gitlab/v1/import/outage/app/?import_type=pre");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
    assertThat(json(put).path("errors").path(0).path("code").asText()).isEqualTo("UNAVAILABLE");
    assertThat(put.headers().firstValue("Retry-After")).contains("5");
    assertThat(took)
        .as("answered within the start timeout and its own queries")
        .isLessThan(START_TIMEOUT.plusSeconds(3));
    assertThat(jdbc.sql("SELECT count(*) FROM repositories").query(Long.class).single())
        .as("the claim is undone: no row in progress, no concurrency slot held")
        .isZero();
    assertThat(
            api.getBean(MeterRegistry.class)
                .find("drydock.workflow.start.failures")
                .tag("import_type", "pre")
                .counters())
        .as("counted by the gRPC status it failed with")
        .singleElement()
        .satisfies(
            failures -> {
              assertThat(failures.getId().getTag("reason"))
                  .isIn("unavailable", "deadline_exceeded", "cancelled");
              assertThat(failures.count()).isEqualTo(1);
            });
  }

  @Test
  void readinessNamesTheUnreachableTemporalServerWhileTheProcessStaysLive() {
    HttpResponse<String> readiness = send("GET", "/actuator/health/readiness");

    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
    assertThat(json(readiness).path("components").path("temporal").path("status").asText())
        .isEqualTo("DOWN");
    assertThat(json(readiness).path("components").path("db").path("status").asText())
        .isEqualTo("UP");
    assertThat(send("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void whileTheDatabaseRestartsEveryEndpointAnswers503InItsEnvelopeThenRecovers()
      throws InterruptedException {
    assertThat(send("GET", "/gitlab/v1/import/outage/app/").statusCode()).isEqualTo(404);
    Set<Integer> answeredMeanwhile = ConcurrentHashMap.newKeySet();
    AtomicBoolean polling = new AtomicBoolean(true);
    AtomicInteger lastAnswer = new AtomicInteger();
    Thread poller =
        new Thread(
            () -> {
              while (polling.get()) {
                int status = send("GET", "/gitlab/v1/import/outage/app/").statusCode();
                answeredMeanwhile.add(status);
                lastAnswer.set(status);
              }
            },
            "status-poller");
    poller.start();
    Thread.sleep(200);
    database.cut();
    try {
      for (String[] request : DATABASE_REQUESTS) {
        HttpResponse<String> answer =
            send(request[0], request[1], request.length > 2 ? request[2] : null);
        String what = request[0] + " " + request[1] + " -> " + answer.body();

        assertThat(answer.statusCode()).as(what).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).as(what).contains("5");
        JsonNode body = json(answer);
        if (request[1].startsWith("/indexer/")) {
          assertThat(body.path("code").asText()).as(what).isEqualTo("service-unavailable");
          assertThat(body.path("message").asText()).as(what).contains("database");
        } else {
          assertThat(body.path("errors").path(0).path("code").asText())
              .as(what)
              .isEqualTo("UNAVAILABLE");
        }
      }
    } finally {
      database.restore();
    }
    lastAnswer.set(0);
    long recoveryDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (lastAnswer.get() != 404 && System.nanoTime() < recoveryDeadline) {
      Thread.sleep(50);
    }
    polling.set(false);
    poller.join();

    assertThat(lastAnswer.get()).as("answers again once the database is back").isEqualTo(404);
    assertThat(answeredMeanwhile)
        .as("requests in flight across the cut and the restore")
        .containsOnly(404, 503);
    assertThat(send("GET", "/api/v1/sleds").statusCode()).isEqualTo(200);
    assertThat(jdbc.sql("SELECT count(*) FROM repositories").query(Long.class).single()).isZero();
  }

  private static HttpResponse<String> send(String method, String path) {
    return send(method, path, null);
  }

  private static HttpResponse<String> send(String method, String path, String jsonBody) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody))
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String token() {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("outage-tests")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .claim(
                "access",
                List.of(
                    Map.of(
                        "type", "registry", "name", "import", "actions", List.of("*", "operator"))))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

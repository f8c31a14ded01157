package io.drydock.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Drydock as the quick start runs it (worker and API in one context, as the end-to-end tests'
 * DrydockStack starts it), on a given Temporal server, database and legacy storage; called over
 * HTTP with a registry token as GitLab Rails calls it, and watched through the repositories table.
 * Used from one thread.
 */
public final class BenchmarkStack implements AutoCloseable {
  /** A response: status code and body. */
  record Answer(int status, String body) {
    /** The OCI error envelope's first code, if the body is one. */
    Optional<String> errorCode() {
      try {
        return Optional.ofNullable(
            Json.MAPPER.readTree(body).path("errors").path(0).path("code").textValue());
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }

  private final ConfigurableApplicationContext context;
  private final HttpClient http =
      // HTTP/1.1 as Rails speaks it; HTTP/2 would try an h2c upgrade on the first request.
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String baseUrl;
  private final String authorization;

  /**
   * One connection kept open, so that polling every few milliseconds measures the row, not
   * connection set-up.
   */
  private final Connection probe;

  private final PreparedStatement statusQuery;
  private final PreparedStatement manifestCount;
  private final PreparedStatement manifestDigests;

  /**
   * @param notificationArguments where the worker sends run endings ({@link NotificationLatency})
   */
  BenchmarkStack(
      TemporalTestServer temporal,
      String jdbcUrl,
      Path legacyRoot,
      String... notificationArguments) {
    String secret = newSecret();
    String[] arguments = Arrays.copyOf(notificationArguments, notificationArguments.length + 1);
    // Long enough that a PUT accepted after a cancel proves the canceled run closed, rather than
    // the grace deadline
    // (5 s by default) having released the repository.
    arguments[notificationArguments.length] = "--drydock.migration.cancel-grace-deadline=60s";
    context = startContext(temporal, jdbcUrl, legacyRoot, secret, arguments);
    baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    authorization = "Bearer " + token(secret);
    try {
      probe = TestPostgres.dataSource(jdbcUrl).getConnection();
      statusQuery =
          probe.prepareStatement(
              "SELECT migration_status, owner_closed FROM repositories WHERE path = ?");
      manifestCount =
          probe.prepareStatement(
              "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = ?");
      manifestDigests =
          probe.prepareStatement(
              "SELECT m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = ?"
                  + " ORDER BY m.digest");
    } catch (SQLException e) {
      context.close();
      throw new IllegalStateException("cannot connect to the registry database", e);
    }
  }

  /** Manifests a pre-import writes per transaction, as the worker is configured. */
  int importBatchSize() {
    return context
        .getEnvironment()
        .getRequiredProperty("drydock.migration.batch-size", Integer.class);
  }

  WorkflowClient workflowClient() {
    return context.getBean(WorkflowClient.class);
  }

  /** {@code /gitlab/v1/import/<path>/} plus {@code query}, with the registry token. */
  Answer importApi(String method, String path, String query) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/gitlab/v1/import/" + path + "/" + query))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", authorization)
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The repository's migration status as the database holds it, empty if it has no row. */
  Optional<String> status(String path) {
    return queryRepository(path, row -> row.getString("migration_status"));
  }

  /** Whether the run that last claimed the repository has stopped working on it. */
  boolean ownerClosed(String path) {
    return queryRepository(path, row -> row.getBoolean("owner_closed")).orElse(false);
  }

  /** Manifests the database holds for the repository. */
  long manifests(String path) {
    try {
      manifestCount.setString(1, path);
      try (ResultSet row = manifestCount.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count the manifests of " + path, e);
    }
  }

  /** Digests of the manifests the database holds for the repository. */
  List<String> manifestDigests(String path) {
    try {
      manifestDigests.setString(1, path);
      List<String> digests = new ArrayList<>();
      try (ResultSet rows = manifestDigests.executeQuery()) {
        while (rows.next()) {
          digests.add(rows.getString(1));
        }
      }
      return digests;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot list the manifests of " + path, e);
    }
  }

  @Override
  public void close() throws SQLException {
    probe.close();
    context.close();
  }

  private interface Column<T> {
    T read(ResultSet row) throws SQLException;
  }

  private <T> Optional<T> queryRepository(String path, Column<T> column) {
    try {
      statusQuery.setString(1, path);
      try (ResultSet row = statusQuery.executeQuery()) {
        return row.next() ? Optional.of(column.read(row)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read repository " + path, e);
    }
  }

  /** A random HS256 secret for the API. */
  public static String newSecret() {
    byte[] secretBytes = new byte[32];
    new SecureRandom().nextBytes(secretBytes);
    return HexFormat.of().formatHex(secretBytes);
  }

  /**
   * The worker and the API in one context, as the quick start runs them, on the given server,
   * database and legacy storage, with the API's token secret and more arguments ({@code
   * --name=value}).
   */
  public static ConfigurableApplicationContext startContext(
      TemporalTestServer temporal,
      String jdbcUrl,
      Path legacyRoot,
      String secret,
      String... arguments) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.temporal.connection.target=" + temporal.target(),
                "--drydock.legacy-storage-root=" + legacyRoot,
                "--drydock.auth.jwt-secret=" + secret));
    all.addAll(List.of(arguments));
    return new SpringApplicationBuilder(BenchmarkApplication.class).run(all.toArray(String[]::new));
  }

  /**
   * A token as GitLab issues them for the import API, with the operator action the replication API
   * asks for; the API checks iss and aud only when configured to.
   */
  public static String token(String secret) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("drydock-benchmarks")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .claim(
                "access",
                List.of(
                    Map.of(
                        "type", "registry", "name", "import", "actions", List.of("*", "operator"))))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}

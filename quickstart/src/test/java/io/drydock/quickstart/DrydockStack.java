package io.drydock.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Drydock as the quick start runs it (worker and API in one context), against a Temporal server
 * from the temporal CLI (or the Java test server off CI), a fresh embedded PostgreSQL database and
 * a demo legacy storage, started once per test JVM.
 */
public final class DrydockStack {
  public static final String BROKEN_REPOSITORY = "broken/missing-blob";

  /** Repositories large enough that a pre-import is still running when a test cancels it. */
  public static final List<String> SLOW_REPOSITORIES = List.of("slow/one", "slow/two");

  public static final int SLOW_REPOSITORY_TAGS = 4000;
  public static final String NOTIFICATION_SECRET = "rails-shared-notification-secret";

  /** The API's concurrency limit in the tests. */
  public static final int MAX_CONCURRENT_IMPORTS = 8;

  /**
   * The API's HS256 secret in the tests; {@link #request(String, String)} sends a token signed with
   * it.
   */
  public static final String TOKEN_SECRET = "drydock-end-to-end-tests-hs256-secret";

  /**
   * Clair's pre-shared key in the tests (DRYDOCK_CLAIR_PSK is its base64), and the issuer
   * configured beside Clair's.
   */
  public static final byte[] CLAIR_PSK =
      "drydock-end-to-end-tests-clair-psk".getBytes(StandardCharsets.US_ASCII);

  public static final String CLAIR_PSK_ISSUER = "drydock-tests-clair";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static DrydockStack shared;

  public final TemporalTestServer temporal;
  public final Path legacyRoot;
  public final JdbcClient database;
  public final WorkflowClient workflows;

  /** The pool the worker and the API use, configured as they ship. */
  public final DataSource applicationDataSource;

  public final NotificationReceiver notifications = new NotificationReceiver();
  public final String baseUrl;

  /** The quick start's application context: the worker and the API. */
  public final ConfigurableApplicationContext context;

  private final HttpClient http = HttpClient.newHttpClient();
  private final String operatorToken =
      DevTokens.operatorToken(TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());

  private DrydockStack(TemporalTestServer temporal, Path legacyRoot, String jdbcUrl) {
    this.temporal = temporal;
    this.legacyRoot = legacyRoot;
    context =
        new SpringApplicationBuilder(QuickstartApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.temporal.connection.target=" + temporal.target(),
                "--drydock.legacy-storage-root=" + legacyRoot,
                "--drydock.migration.max-concurrent-imports=" + MAX_CONCURRENT_IMPORTS,
                "--drydock.notification.url=" + notifications.urlTemplate(),
                "--drydock.notification.secret=" + NOTIFICATION_SECRET,
                // Long enough that a new import accepted after a cancel proves the canceled run
                // closed.
                "--drydock.migration.cancel-grace-deadline=60s",
                "--drydock.auth.jwt-secret=" + TOKEN_SECRET,
                "--drydock.tuf.allow-unsigned=true",
                "--drydock.clair.psk=" + Base64.getEncoder().encodeToString(CLAIR_PSK),
                "--drydock.clair.psk-issuers=" + CLAIR_PSK_ISSUER);
    Runtime.getRuntime().addShutdownHook(new Thread(context::close, "drydock-test-stack-shutdown"));
    this.database = JdbcClient.create(TestPostgres.dataSource(jdbcUrl));
    this.workflows = context.getBean(WorkflowClient.class);
    this.applicationDataSource = context.getBean(DataSource.class);
    this.baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  public static synchronized DrydockStack shared() {
    if (shared == null) {
      TemporalTestServer temporal = TemporalTestServer.shared(DrydockSearchAttributes.all());
      shared = new DrydockStack(temporal, legacyTree(), TestPostgres.freshDatabase());
    }
    return shared;
  }

  /** The demo repositories, plus one whose manifest references a blob the storage lost. */
  private static Path legacyTree() {
    try {
      Path root = Files.createTempDirectory("drydock-legacy-");
      DemoLegacyStorage.generate(root);
      DemoLegacyStorage.generateSynthetic(root, BROKEN_REPOSITORY, 3, 1);
      for (String slow : SLOW_REPOSITORIES) {
        DemoLegacyStorage.generateSynthetic(root, slow, SLOW_REPOSITORY_TAGS, 1);
      }
      deleteOneBlob(root, BROKEN_REPOSITORY);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes the data of the repository's first config or layer blob, as a storage that lost it
   * would: its manifest can no longer be imported. Returns the deleted file.
   */
  public static Path deleteOneBlob(Path legacyRoot, String repositoryPath) {
    try (Stream<Path> files =
        Files.walk(
            legacyRoot.resolve("docker/registry/v2/repositories/" + repositoryPath + "/_layers"))) {
      Path link =
          files.filter(p -> p.getFileName().toString().equals("link")).findFirst().orElseThrow();
      String hex = Files.readString(link).substring("sha256:".length());
      Path blob =
          legacyRoot.resolve(
              "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
      Files.delete(blob);
      return blob;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies a repository of the legacy tree (same links, same blobs) unless the copy exists: the
   * import tests of the shared stack import the demo repositories themselves and expect them
   * untouched, so other tests import copies.
   */
  public void copyRepository(String from, String to) {
    Path repositories = legacyRoot.resolve("docker/registry/v2/repositories");
    Path source = repositories.resolve(from);
    Path target = repositories.resolve(to);
    if (Files.exists(target)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(source)) {
      Files.createDirectories(target.getParent());
      for (Path path : paths.toList()) {
        Files.copy(path, target.resolve(source.relativize(path).toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest's payload as stored, parsed. */
  public JsonNode manifest(String digest) {
    String payload =
        database
            .sql("SELECT convert_from(payload, 'UTF8') FROM manifests WHERE digest = ? LIMIT 1")
            .param(digest)
            .query(String.class)
            .single();
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The answer's body as JSON; an answer that is not JSON fails the test with its status and body.
   */
  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  /** The code of the first error in the answer's OCI envelope. */
  public static String errorCode(HttpResponse<String> response) {
    return json(response).path("errors").path(0).path("code").asText();
  }

  /** The token {@link #request(String, String)} sends: import and operator access. */
  public String operatorToken() {
    return operatorToken;
  }

  public int port() {
    return URI.create(baseUrl).getPort();
  }

  public HttpResponse<String> request(String method, String pathAndQuery) {
    return request(method, pathAndQuery, Optional.of("Bearer " + operatorToken));
  }

  public HttpResponse<String> request(
      String method, String pathAndQuery, Optional<String> authorizationHeader) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody());
    authorizationHeader.ifPresent(value -> request.header("Authorization", value));
    return send(http, request.build());
  }

  /** {@link #send(HttpClient, HttpRequest)} with the stack's client. */
  public HttpResponse<String> send(HttpRequest request) {
    return send(http, request);
  }

  /** Sends with the JDK's client, the body as a string; a failure to send fails the test. */
  public static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A registry token as GitLab mints them, signed with {@link #TOKEN_SECRET}, valid for an hour.
   */
  public static String registryToken(List<Map<String, Object>> access) {
    Instant now = Instant.now();
    return DevTokens.sign(
        TOKEN_SECRET,
        new JWTClaimsSet.Builder()
            .issuer("gitlab-issuer")
            .audience("container_registry")
            .subject("root")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .claim("access", access)
            .build());
  }

  /**
   * Puts a repository in a status directly, as no run would, recording {@code owner} as its owner
   * token.
   */
  public void setMigrationStatus(String path, String status, String owner) {
    database
        .sql(
            """
            INSERT INTO repositories (path, name, migration_status, owner_token, owner_closed)
            VALUES (:path, :name, :status, :owner, TRUE)
            ON CONFLICT (path) DO UPDATE SET migration_status = EXCLUDED.migration_status""")
        .param("path", path)
        .param("name", path.substring(path.lastIndexOf('/') + 1))
        .param("status", status)
        .param("owner", owner)
        .update();
  }

  /** The repository's status in the database, null when it has no row. */
  public String migrationStatus(String path) {
    return database
        .sql("SELECT migration_status FROM repositories WHERE path = ?")
        .param(path)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  /**
   * Saves the history of the workflow's latest run under target/recorded-histories, where the
   * replay tests' fixtures in the workflows module were copied from; refreshing them is a copy
   * after a change to a workflow.
   */
  public void recordHistory(String workflowId, String fileName) {
    String history = workflows.fetchHistory(workflowId).toJson(true);
    try {
      Path directory = Files.createDirectories(Path.of("target/recorded-histories"));
      Files.writeString(directory.resolve(fileName), history);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long repositoryRows() {
    return database.sql("SELECT count(*) FROM repositories").query(Long.class).single();
  }

  public static <T> T await(Supplier<T> probe, Predicate<T> done, Duration timeout, String what) {
    Instant deadline = Instant.now().plus(timeout);
    T last = probe.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = probe.get();
    }
    return last;
  }
}

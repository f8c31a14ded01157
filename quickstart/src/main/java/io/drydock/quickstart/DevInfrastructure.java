package io.drydock.quickstart;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.sledagent.SledAgent;
import io.drydock.sledagent.SledAgentOptions;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the quick start provides when nothing is configured: embedded PostgreSQL, an in-process
 * Temporal server, a demo legacy storage and a token secret. Each is skipped when its environment
 * variable points at a real one.
 */
final class DevInfrastructure implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevInfrastructure.class);

  private static final int SLED_AGENTS = 3;

  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<String> summary = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String devSecret;

  /** Spring properties that point the worker and the API at what was started. */
  Map<String, String> properties() {
    return properties;
  }

  /** One line per component, saying what is used. */
  List<String> summary() {
    return summary;
  }

  /**
   * The HS256 secret the quick start generated, empty when {@code DRYDOCK_AUTH_JWT_SECRET} is set.
   */
  Optional<String> devSecret() {
    return Optional.ofNullable(devSecret);
  }

  static DevInfrastructure start(Map<String, String> env, Path dataDirectory) throws IOException {
    DevInfrastructure infrastructure = new DevInfrastructure();
    try {
      infrastructure.startPostgres(env, dataDirectory);
      infrastructure.startTemporal(env);
      infrastructure.prepareLegacyStorage(env, dataDirectory);
      infrastructure.prepareTokenSecret(env, dataDirectory);
      infrastructure.startSledAgents(env, dataDirectory);
      return infrastructure;
    } catch (IOException | RuntimeException e) {
      infrastructure.close();
      throw e;
    }
  }

  private void startPostgres(Map<String, String> env, Path dataDirectory) throws IOException {
    String url = env.get("SPRING_DATASOURCE_URL");
    if (url != null && !url.isBlank()) {
      summary.add("PostgreSQL: " + url + " (SPRING_DATASOURCE_URL)");
      return;
    }
    Path pgData = dataDirectory.resolve("postgres");
    Files.createDirectories(pgData);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start();
    resources.add(postgres);
    String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
    properties.put("spring.datasource.url", jdbcUrl);
    properties.put("spring.datasource.username", "postgres");
    properties.put("spring.datasource.password", "");
    summary.add("PostgreSQL: embedded, " + jdbcUrl + ", data in " + pgData);
  }

  private void startTemporal(Map<String, String> env) {
    String address = env.get("TEMPORAL_ADDRESS");
    if (address != null && !address.isBlank()) {
      summary.add("Temporal: " + address + " (TEMPORAL_ADDRESS)");
      return;
    }
    int port = Integer.parseInt(env.getOrDefault("DRYDOCK_TEMPORAL_PORT", "7233"));
    // The flag locks time skipping: the quick start runs in real time, so timers and timeouts
    // behave as in production.
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
    resources.add(server);
    String target = "127.0.0.1:" + port;
    registerSearchAttributes(target);
    properties.put("spring.temporal.connection.target", target);
    summary.add(
        "Temporal: in-process test server on "
            + target
            + " (no Web UI; workflows do not survive a restart: set TEMPORAL_ADDRESS for a real server)");
  }

  /** The in-process server starts empty every time, so the attributes are always new to it. */
  private static void registerSearchAttributes(String target) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target)
                .validateAndBuildWithDefaults());
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace("default")
                  .putAllSearchAttributes(DrydockSearchAttributes.all())
                  .build());
    } finally {
      operator.shutdownNow();
    }
  }

  private void prepareLegacyStorage(Map<String, String> env, Path dataDirectory) {
    String root = env.get("DRYDOCK_LEGACY_STORAGE_ROOT");
    if (root != null && !root.isBlank()) {
      summary.add("Legacy storage: " + root + " (DRYDOCK_LEGACY_STORAGE_ROOT)");
      return;
    }
    Path demo = dataDirectory.resolve("legacy");
    DemoLegacyStorage.generate(demo);
    properties.put("drydock.legacy-storage-root", demo.toString());
    summary.add(
        "Legacy storage: demo tree in " + demo + " with " + DemoLegacyStorage.DEMO_REPOSITORIES);
  }

  /**
   * Three reference sled agents in this process, each with its own port and data directory (two
   * disks each), and a local depot for uploaded artifacts; unless {@code DRYDOCK_SLEDS} names real
   * ones.
   */
  private void startSledAgents(Map<String, String> env, Path dataDirectory) throws IOException {
    Path depot = dataDirectory.resolve("depot");
    properties.put("drydock.replication.depot-dir", depot.toString());
    // The demo's repositories are unsigned (DRYDOCK_TUF_TRUSTED_ROOT, when set, makes every upload
    // verified anyway).
    if (!env.containsKey("DRYDOCK_TUF_ALLOW_UNSIGNED")) {
      properties.put("drydock.tuf.allow-unsigned", "true");
      summary.add(
          "TUF: DRYDOCK_TUF_ALLOW_UNSIGNED=true for the demo: unsigned artifact repositories are accepted unless"
              + " DRYDOCK_TUF_TRUSTED_ROOT is set");
    }
    String configured = env.get("DRYDOCK_SLEDS");
    if (configured != null && !configured.isBlank()) {
      summary.add("Sleds: " + configured + " (DRYDOCK_SLEDS)");
      return;
    }
    List<String> sleds = new ArrayList<>();
    for (int i = 1; i <= SLED_AGENTS; i++) {
      String id = "sled-" + i;
      SledAgent agent =
          SledAgent.start(
              new SledAgentOptions(
                  id,
                  "127.0.0.1",
                  0,
                  // The repo depot on a port of its own, as omicron runs it, so that copies go
                  // through it.
                  0,
                  dataDirectory.resolve("sleds").resolve(id),
                  SledAgentOptions.DEFAULT_MAX_ARTIFACT_BYTES,
                  0,
                  SledAgentOptions.DEFAULT_RECONCILE_INTERVAL,
                  Set.of(),
                  false));
      resources.add(agent);
      sleds.add(id + "=" + agent.baseUri() + "|" + agent.depotUri().orElseThrow());
    }
    properties.put("drydock.replication.sleds", String.join(",", sleds));
    summary.add("Sleds: " + SLED_AGENTS + " reference sled agents " + sleds + ", depot " + depot);
  }

  /**
   * Kept in the data directory, so the tokens it signed stay valid across restarts when
   * DRYDOCK_DATA_DIR is set.
   */
  private void prepareTokenSecret(Map<String, String> env, Path dataDirectory) throws IOException {
    String configured = env.get("DRYDOCK_AUTH_JWT_SECRET");
    if (configured != null && !configured.isBlank()) {
      summary.add("Auth: HS256 secret from DRYDOCK_AUTH_JWT_SECRET");
      return;
    }
    Path file = dataDirectory.resolve("dev-jwt-secret");
    if (Files.exists(file)) {
      devSecret = Files.readString(file).strip();
    } else {
      devSecret = DevTokens.newSecret();
      writeOwnerOnly(file, devSecret);
    }
    properties.put("drydock.auth.jwt-secret", devSecret);
    summary.add(
        "Auth: generated HS256 secret in "
            + file
            + " (set DRYDOCK_AUTH_JWT_SECRET to use your own)");
  }

  /**
   * Secrets and tokens are readable by their owner only, where the file system has POSIX
   * permissions.
   */
  static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, content);
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("could not stop {}", resources.get(i), e);
      }
    }
    resources.clear();
  }

  static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      paths
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(DevInfrastructure::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("could not delete {}", path, e);
    }
  }
}

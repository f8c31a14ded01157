package io.drydock.quickstart.http;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DevTokens;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.QuickstartApplication;
import io.drydock.quickstart.ReplicationArchives;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SledAgentProcess;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Drydock as the quick start runs it (worker and API in one process, every route the application
 * maps), on a Temporal server, database, depot and sled agents of its own, so that what it holds
 * can be compared before and after each request: {@link #snapshot()}. Replication activates only on
 * signals (the period is an hour), so nothing changes while no request asks for a change.
 */
final class FuzzStack implements AutoCloseable {
  /**
   * Refused archives are bombs, among others: a small limit makes a bomb cheap to build and to
   * refuse.
   */
  static final long MAX_UPLOAD_BYTES = 4 << 20;

  private static final int SMALL_FILE = 64 << 10;

  final Path root;
  final Path depot;
  final List<SledAgentProcess> sleds;
  final TemporalTestServer temporal;
  final ConfigurableApplicationContext context;
  final JdbcClient database;
  final int port;
  private final List<String> tables;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String operatorToken =
      DevTokens.operatorToken(
          DrydockStack.TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());

  /**
   * A route as the application maps it: its path pattern and methods (none listed: every method).
   */
  record Route(String pattern, Set<String> methods) {}

  /** What the stack holds: every table's rows, the depot's files and each sled's files. */
  record Snapshot(
      Map<String, String> tables,
      Map<String, String> depot,
      Map<String, Map<String, String>> sleds) {
    /** What differs from {@code other}, by table, depot file or sled file. */
    String differences(Snapshot other) {
      List<String> changed = new ArrayList<>();
      tables.forEach(
          (table, rows) -> {
            if (!rows.equals(other.tables.get(table))) {
              changed.add("table " + table);
            }
          });
      changed.addAll(fileDifferences("depot", depot, other.depot));
      sleds.forEach(
          (sled, files) ->
              changed.addAll(fileDifferences("sled " + sled, files, other.sleds.get(sled))));
      return String.join(", ", changed);
    }

    private static List<String> fileDifferences(
        String where, Map<String, String> a, Map<String, String> b) {
      Set<String> names = new TreeSet<>(a.keySet());
      names.addAll(b == null ? Set.of() : b.keySet());
      return names.stream()
          .filter(name -> b == null || !Objects.equals(a.get(name), b.get(name)))
          .map(name -> where + " file " + name)
          .toList();
    }
  }

  private FuzzStack(Path root) {
    this.root = root;
    this.depot = root.resolve("depot");
    Path legacy = root.resolve("legacy");
    DemoLegacyStorage.generate(legacy);
    this.sleds = SledAgentProcess.startAll(root.resolve("sleds"), List.of("sled-1", "sled-2"));
    this.temporal = TemporalTestServer.start(DrydockSearchAttributes.all());
    String jdbcUrl = TestPostgres.freshDatabase();
    String configuredSleds =
        sleds.stream().map(sled -> sled.id + "=" + sled.baseUrl()).collect(Collectors.joining(","));
    this.context =
        new SpringApplicationBuilder(QuickstartApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.temporal.connection.target=" + temporal.target(),
                "--drydock.legacy-storage-root=" + legacy,
                "--drydock.auth.jwt-secret=" + DrydockStack.TOKEN_SECRET,
                "--drydock.replication.depot-dir=" + depot,
                "--drydock.tuf.trusted-root=" + ReplicationArchives.trustedRoot(),
                "--drydock.replication.sleds=" + configuredSleds,
                "--drydock.replication.min-sled-replication=2",
                "--drydock.replication.activation-period=1h",
                "--drydock.replication.max-upload-bytes=" + MAX_UPLOAD_BYTES,
                "--drydock.replication.max-upload-entries=64");
    this.database = JdbcClient.create(TestPostgres.dataSource(jdbcUrl));
    this.port =
        Integer.parseInt(
            Objects.requireNonNull(context.getEnvironment().getProperty("local.server.port")));
    this.tables =
        database
            .sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    + " AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' ORDER BY 1")
            .query(String.class)
            .list();
  }

  static FuzzStack start() {
    Path root;
    try {
      root = Files.createTempDirectory("drydock-fuzz-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FuzzStack(root);
  }

  /**
   * Every route of every handler mapping of the application (ours and actuator's), but the error
   * page's.
   */
  List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    for (RequestMappingInfoHandlerMapping mapping :
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      mapping
          .getHandlerMethods()
          .keySet()
          .forEach(
              info -> {
                Set<String> methods =
                    info.getMethodsCondition().getMethods().stream()
                        .map(RequestMethod::name)
                        .collect(Collectors.toCollection(TreeSet::new));
                info.getPatternValues().stream()
                    .filter(pattern -> !pattern.equals("/error"))
                    .forEach(pattern -> routes.add(new Route(pattern, methods)));
              });
    }
    routes.sort(
        Comparator.comparing(Route::pattern).thenComparing(route -> route.methods().toString()));
    return routes;
  }

  String operatorToken() {
    return operatorToken;
  }

  /**
   * A well-formed request with the operator token, through the JDK's client; for setting up what
   * the test needs.
   */
  HttpResponse<String> request(
      String method, String pathAndQuery, String contentType, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header("Authorization", "Bearer " + operatorToken)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return DrydockStack.send(http, request.build());
  }

  Snapshot snapshot() {
    String union =
        tables.stream()
            .map(
                table ->
                    "SELECT '"
                        + table
                        + "' AS t, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
                        + " AS h FROM "
                        + table
                        + " r")
            .collect(Collectors.joining(" UNION ALL "));
    Map<String, String> rows = new TreeMap<>();
    database.sql(union).query((row, n) -> rows.put(row.getString("t"), row.getString("h"))).list();
    Map<String, Map<String, String>> sledFiles = new TreeMap<>();
    sleds.forEach(sled -> sledFiles.put(sled.id, files(sled.dataDir)));
    return new Snapshot(rows, files(depot), sledFiles);
  }

  /**
   * Waits until nothing changes for {@code quiet}, sampling every 100 ms, and returns what the
   * stack then holds: the work an accepted request started (a workflow, a replication activation)
   * has ended.
   */
  Snapshot awaitQuiet(Duration quiet, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Snapshot last = snapshot();
    Instant stableSince = Instant.now();
    while (Duration.between(stableSince, Instant.now()).compareTo(quiet) < 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the stack kept changing for " + timeout + ": " + last.differences(snapshot()));
      }
      SeparateWorkersStack.sleep(Duration.ofMillis(100));
      Snapshot next = snapshot();
      if (!next.equals(last)) {
        last = next;
        stableSince = Instant.now();
      }
    }
    return last;
  }

  /**
   * Each regular file under the directory, by relative path: its SHA-256 when small, else its size.
   */
  private static Map<String, String> files(Path directory) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(directory)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        long size = Files.size(file);
        String content =
            size <= SMALL_FILE
                ? ReplicationArchives.sha256(Files.readAllBytes(file))
                : "size " + size;
        files.put(directory.relativize(file).toString(), content);
      }
    } catch (IOException e) {
      // A file renamed or deleted while walking: the next snapshot sees what is there then.
      files.put("(walk failed)", e.toString());
    }
    return files;
  }

  @Override
  public void close() {
    context.close();
    sleds.forEach(SledAgentProcess::close);
    temporal.close();
    SeparateWorkersStack.deleteRecursively(root);
  }
}

package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sled that answers Drydock's requests exactly as omicron's sled agent does, bodies and status
 * codes as oxidecomputer/omicron {@code openapi/sled-agent/sled-agent-48.0.0-808ec1.json} describes
 * them at b848b6df85531e85aaaa6d434dfb5bfd45bb42ce and messages and codes as {@code
 * sled-agent/src/artifact_store.rs} ({@code From<Error> for HttpError}) and {@code
 * sled-agent/src/http_entrypoints.rs} write them; the {@code api-version} header required as
 * dropshot's {@code ClientSpecifiesVersionInHeader} requires it (oxidecomputer/dropshot {@code
 * dropshot/src/versioning.rs} at fb0fd916c4da45d81541355adb5642df9c890b7d), before routing.
 * Artifact bytes are read and dropped: the stub stores nothing.
 */
final class OmicronSledStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARTIFACT =
      Pattern.compile("/artifacts/([0-9a-f]{64})(/copy-from-depot)?");
  private static final int[] LATEST_VERSION = {48, 0, 0};

  private final HttpServer server;

  /** Null until the first config, as omicron's ledger. */
  private volatile JsonNode config;

  /** Every request as "METHOD /path?query api-version", in order. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** The {@code depot_base_url} of every copy request. */
  final List<String> copySources = new CopyOnWriteArrayList<>();

  /** How long an accepted copy stays out of the listing, as a real copy does while it runs. */
  volatile Duration copiesLandAfter = Duration.ZERO;

  private final Map<String, Long> copiesAcceptedAt = new ConcurrentHashMap<>();

  /** Every answer, to be held against omicron's document. */
  final List<Answer> answers = new CopyOnWriteArrayList<>();

  /**
   * An answer to {@code method} on the document's {@code pathTemplate}, null when no operation has
   * the path (dropshot's router answers 404 then); an empty body for none.
   */
  record Answer(String method, String pathTemplate, int status, String contentType, String body) {}

  OmicronSledStub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String version = exchange.getRequestHeaders().getFirst("api-version");
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(
          exchange.getRequestMethod()
              + " "
              + path
              + (query == null ? "" : "?" + query)
              + " "
              + version);
      if (version == null) {
        error(exchange, 400, null, "missing expected header \"api-version\"");
      } else if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
        error(
            exchange,
            400,
            null,
            "bad value for header \"api-version\": unexpected end of input: " + version);
      } else if (newerThanLatest(version)) {
        error(exchange, 400, null, "server does not support this API version: " + version);
      } else {
        route(exchange, path, body);
      }
    }
  }

  private void route(HttpExchange exchange, String path, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    Matcher artifact = ARTIFACT.matcher(path);
    if (path.equals("/artifacts-config") && method.equals("GET")) {
      if (config == null) {
        error(exchange, 404, null, "Not Found");
      } else {
        json(exchange, 200, config);
      }
    } else if (path.equals("/artifacts-config") && method.equals("PUT")) {
      putConfig(exchange, JSON.readTree(body));
    } else if (path.equals("/artifacts") && method.equals("GET")) {
      if (config == null) {
        error(exchange, 400, null, "No artifact configuration present");
      } else {
        Map<String, Object> list = new TreeMap<>();
        config.path("artifacts").forEach(hash -> list.put(hash.asText(), 2));
        list.keySet().removeIf(this::stillCopying);
        json(exchange, 200, Map.of("generation", config.path("generation").asLong(), "list", list));
      }
    } else if (artifact.matches()
        && (artifact.group(2) == null ? method.equals("PUT") : method.equals("POST"))) {
      String sha256 = artifact.group(1);
      long generation =
          Long.parseLong(exchange.getRequestURI().getRawQuery().replace("generation=", ""));
      if (config == null) {
        error(exchange, 400, null, "No artifact configuration present");
      } else if (generation != config.path("generation").asLong()) {
        error(
            exchange,
            409,
            null,
            "Attempt to put object with generation "
                + generation
                + " while at "
                + config.path("generation").asLong());
      } else if (!config.path("artifacts").toString().contains("\"" + sha256 + "\"")) {
        error(
            exchange,
            400,
            null,
            "Attempt to put artifact " + sha256 + " not in config generation " + generation);
      } else if (artifact.group(2) == null) {
        json(exchange, 200, Map.of("datasets", 2, "successful_writes", 2));
      } else {
        copySources.add(JSON.readTree(body).path("depot_base_url").asText());
        copiesAcceptedAt.put(sha256, System.nanoTime());
        json(exchange, 202, Map.of());
      }
    } else {
      error(exchange, 404, null, "Not Found");
    }
  }

  private void putConfig(HttpExchange exchange, JsonNode proposed) throws IOException {
    JsonNode present = config;
    if (present != null) {
      long attempted = proposed.path("generation").asLong();
      long current = present.path("generation").asLong();
      if (attempted < current || (attempted == current && !proposed.equals(present))) {
        error(
            exchange,
            409,
            "CONFIG_GENERATION",
            "Attempt to modify config to generation " + attempted + " while at " + current);
        return;
      }
    }
    config = proposed;
    answers.add(new Answer("PUT", "/artifacts-config", 204, "", ""));
    exchange.sendResponseHeaders(204, -1);
  }

  private boolean stillCopying(String sha256) {
    Long accepted = copiesAcceptedAt.get(sha256);
    return accepted != null && System.nanoTime() - accepted < copiesLandAfter.toNanos();
  }

  private static String pathTemplate(String path) {
    Matcher artifact = ARTIFACT.matcher(path);
    if (!artifact.matches()) {
      return List.of("/artifacts", "/artifacts-config").contains(path) ? path : null;
    }
    return artifact.group(2) == null
        ? "/artifacts/{sha256}"
        : "/artifacts/{sha256}/copy-from-depot";
  }

  private static boolean newerThanLatest(String version) {
    String[] parts = version.split("\\.");
    for (int i = 0; i < 3; i++) {
      int part = Integer.parseInt(parts[i]);
      if (part != LATEST_VERSION[i]) {
        return part > LATEST_VERSION[i];
      }
    }
    return false;
  }

  /** dropshot's {@code HttpErrorResponseBody}: {@code error_code} only when there is one. */
  private void error(HttpExchange exchange, int status, String errorCode, String message)
      throws IOException {
    String requestId = UUID.randomUUID().toString();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("request_id", requestId);
    if (errorCode != null) {
      body.put("error_code", errorCode);
    }
    body.put("message", message);
    exchange.getResponseHeaders().set("x-request-id", requestId);
    json(exchange, status, body);
  }

  private void json(HttpExchange exchange, int status, Object value) throws IOException {
    String text = JSON.writeValueAsString(value);
    answers.add(
        new Answer(
            exchange.getRequestMethod(), template(exchange), status, "application/json", text));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String template(HttpExchange exchange) {
    return pathTemplate(exchange.getRequestURI().getRawPath());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

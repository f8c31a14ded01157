package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sled agent's artifact API in a JDK HTTP server, as the sled agent answers it: config
 * generations that refuse to go back, puts checked against the config and the hash, copies from
 * another sled's depot in the background.
 */
final class FakeSled implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARTIFACT =
      Pattern.compile("/artifacts/([0-9a-f]{64})(/copy-from-depot)?");
  private static final Pattern DEPOT = Pattern.compile("/artifact/sha256/([0-9a-f]{64})");

  private final HttpServer server;
  private final ExecutorService copier = Executors.newSingleThreadExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ExecutorService handlers = Executors.newFixedThreadPool(4);
  private final Map<String, byte[]> stored = new ConcurrentHashMap<>();

  /** Artifacts that arrived by a copy from another sled's depot. */
  private final List<String> copied = new CopyOnWriteArrayList<>();

  /** Every request as "METHOD /path?query", in order. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  /** The Content-Length header of each artifact put, by hash. */
  final Map<String, String> putContentLengths = new ConcurrentHashMap<>();

  private volatile long generation;
  private volatile List<String> config = List.of();

  /** Answers every request with this status when set. */
  volatile int failAll;

  /** The message of those answers. */
  volatile String failMessage = "failing on purpose";

  /** Copies land only after this many more listings have been answered. */
  final AtomicInteger listingsBeforeCopyLands = new AtomicInteger();

  /** Accepts copy requests but never copies. */
  volatile boolean dropCopies;

  /** Lists this generation instead of its config's, when set. */
  volatile Long listedGeneration;

  FakeSled() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(handlers);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  long generation() {
    return generation;
  }

  List<String> config() {
    return config;
  }

  Map<String, byte[]> stored() {
    return stored;
  }

  /** As if another control plane had put a newer config. */
  synchronized void acceptConfig(long newGeneration, List<String> artifacts) {
    generation = newGeneration;
    config = List.copyOf(artifacts);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String method = exchange.getRequestMethod();
      requests.add(method + " " + uri);
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (failAll != 0) {
        error(exchange, failAll, "INTERNAL", failMessage);
        return;
      }
      String path = uri.getPath();
      Matcher artifact = ARTIFACT.matcher(path);
      Matcher depot = DEPOT.matcher(path);
      if (path.equals("/artifacts-config") && method.equals("PUT")) {
        putConfig(exchange, body);
      } else if (path.equals("/artifacts-config") && method.equals("GET")) {
        json(exchange, 200, Map.of("generation", generation, "artifacts", config));
      } else if (path.equals("/artifacts") && method.equals("GET")) {
        list(exchange);
      } else if (artifact.matches() && artifact.group(2) == null && method.equals("PUT")) {
        putArtifact(exchange, artifact.group(1), body);
      } else if (artifact.matches() && artifact.group(2) != null && method.equals("POST")) {
        copyFromDepot(exchange, artifact.group(1), body);
      } else if (depot.matches() && method.equals("GET") && stored.containsKey(depot.group(1))) {
        byte[] bytes = stored.get(depot.group(1));
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      } else {
        error(exchange, 404, "NOT_FOUND", method + " " + path);
      }
    }
  }

  private synchronized void putConfig(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode requestedConfig = JSON.readTree(body);
    long requested = requestedConfig.path("generation").asLong();
    List<String> artifacts = new ArrayList<>();
    requestedConfig.path("artifacts").forEach(hash -> artifacts.add(hash.asText()));
    if (requested < generation || (requested == generation && !artifacts.equals(config))) {
      error(
          exchange,
          409,
          "CONFIG_GENERATION",
          "generation " + requested + " is older than " + generation);
      return;
    }
    generation = requested;
    config = List.copyOf(artifacts);
    exchange.sendResponseHeaders(204, -1);
  }

  private void list(HttpExchange exchange) throws IOException {
    Map<String, Integer> list = new TreeMap<>();
    boolean copiesLanded = listingsBeforeCopyLands.getAndUpdate(n -> Math.max(0, n - 1)) == 0;
    for (String hash : config) {
      if (stored.containsKey(hash) && (copiesLanded || !copied.contains(hash))) {
        list.put(hash, 2);
      }
    }
    json(
        exchange,
        200,
        Map.of(
            "generation", listedGeneration != null ? listedGeneration : generation, "list", list));
  }

  private void putArtifact(HttpExchange exchange, String sha256, byte[] bytes) throws IOException {
    putContentLengths.put(
        sha256, String.valueOf(exchange.getRequestHeaders().getFirst("Content-Length")));
    if (!generationMatches(exchange)) {
      return;
    }
    if (!config.contains(sha256)) {
      error(exchange, 400, "NOT_IN_CONFIG", sha256 + " is not in the config");
      return;
    }
    if (!TestArchives.sha256(bytes).equals(sha256)) {
      error(exchange, 400, "HASH_MISMATCH", "the bytes hash to " + TestArchives.sha256(bytes));
      return;
    }
    stored.put(sha256, bytes);
    exchange.sendResponseHeaders(200, -1);
  }

  private void copyFromDepot(HttpExchange exchange, String sha256, byte[] body) throws IOException {
    if (!generationMatches(exchange)) {
      return;
    }
    String depotBaseUrl = JSON.readTree(body).path("depot_base_url").asText();
    exchange.sendResponseHeaders(202, -1);
    if (dropCopies) {
      return;
    }
    copier.execute(
        () -> {
          try {
            HttpResponse<byte[]> response =
                http.send(
                    HttpRequest.newBuilder(URI.create(depotBaseUrl + "/artifact/sha256/" + sha256))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200
                && TestArchives.sha256(response.body()).equals(sha256)) {
              copied.add(sha256);
              stored.put(sha256, response.body());
            }
          } catch (IOException e) {
            // The copy failed: the artifact is never listed, as on a real sled.
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private boolean generationMatches(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    if (query == null || !query.equals("generation=" + generation)) {
      error(exchange, 409, "CONFIG_GENERATION", "the sled is at generation " + generation);
      return false;
    }
    return true;
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    json(exchange, status, Map.of("error_code", code, "message", message));
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    copier.shutdownNow();
  }
}

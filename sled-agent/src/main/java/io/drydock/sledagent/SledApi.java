package io.drydock.sledagent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sled's HTTP APIs, in omicron's wire format (oxidecomputer/omicron {@code openapi/sled-agent/sled-agent-48.0.0-
 * 808ec1.json} and {@code openapi/repo-depot/repo-depot-1.0.0-65083f.json} at b848b6df85531e85aaaa6d434dfb5bfd45bb42ce):
 * the sled agent's artifact endpoints, with the repo depot's {@code GET /artifact/sha256/{sha256}} beside them, and the
 * repo depot alone for a port of its own, as omicron runs it. Routes requests, turns refusals into dropshot's error
 * envelope and logs one line per request.
 */
final class SledApi {
  private static final Logger log = Logger.getLogger(SledApi.class.getName());
  static final int MAX_JSON_BYTES = 1024 * 1024;
  // After a refusal the rest of a body up to this size is read and dropped, so that the client, still sending, gets
  // to read the answer; past it the connection is closed instead of reading gigabytes for nothing.
  private static final long MAX_DISCARDED_BYTES = 8L * 1024 * 1024;
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final int MAX_LOGGED_TARGET = 200;
  private static final long DRAIN_POLL_MILLIS = 10;
  private static final String ARTIFACTS_PREFIX = "/artifacts/";
  private static final String COPY_SUFFIX = "/copy-from-depot";
  private static final String DEPOT_PREFIX = "/artifact/sha256/";
  private static final String REQUEST_ID_HEADER = "x-request-id";
  private static final ObjectReader CONFIG_READER = Json.MAPPER.readerFor(ArtifactsConfig.class);
  private static final ObjectReader COPY_READER = Json.MAPPER.readerFor(CopyRequest.class);
  private static final ObjectReader FAULTS_READER =
      Json.MAPPER
          .readerFor(FaultSettings.class)
          .without(
              DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final String sledId;
  private final Sled sled;
  private final DepotCopier copier;
  private final long maxArtifactBytes;
  private final BandwidthLimiter receiveLimiter;
  private final BandwidthLimiter sendLimiter;
  private final boolean faultInjectionEnabled;
  private final Runnable reconcileSoon;
  private volatile FaultSettings faults = FaultSettings.NONE;
  private final AtomicInteger requestsInProgress = new AtomicInteger();
  private volatile boolean stopping;

  SledApi(
      SledAgentOptions options,
      Sled sled,
      DepotCopier copier,
      BandwidthLimiter receiveLimiter,
      BandwidthLimiter sendLimiter,
      Runnable reconcileSoon) {
    this.sledId = options.sledId();
    this.sled = sled;
    this.copier = copier;
    this.maxArtifactBytes = options.maxArtifactBytes();
    this.receiveLimiter = receiveLimiter;
    this.sendLimiter = sendLimiter;
    this.faultInjectionEnabled = options.enableFaultInjection();
    this.reconcileSoon = reconcileSoon;
  }

  /** The sled agent API, with the repo depot's one endpoint and {@code /faults}. */
  HttpHandler sledAgentHandler() {
    return exchange -> handle(exchange, false);
  }

  /** The repo depot API alone. */
  HttpHandler repoDepotHandler() {
    return exchange -> handle(exchange, true);
  }

  private void handle(HttpExchange exchange, boolean depotOnly) {
    long started = System.nanoTime();
    requestsInProgress.incrementAndGet();
    // dropshot names every request in an x-request-id header, and error bodies repeat it.
    exchange.getResponseHeaders().set(REQUEST_ID_HEADER, UUID.randomUUID().toString());
    try {
      if (stopping) {
        throw new ApiException(ErrorCode.STOPPING, "the sled agent is stopping");
      }
      route(exchange, depotOnly);
    } catch (ApiException e) {
      sendError(exchange, e.code, e.getMessage());
    } catch (IOException e) {
      if (exchange.getResponseCode() != -1) {
        // The answer had begun: the client went away mid-stream, which is its business.
        log.fine(() -> sledId + " " + target(exchange) + " broke off: " + e);
      } else {
        log.log(Level.WARNING, sledId + " " + target(exchange) + ": " + e, e);
        sendError(exchange, ErrorCode.INTERNAL, "I/O error on the sled: " + e.getMessage());
      }
    } catch (RuntimeException e) {
      log.log(Level.SEVERE, sledId + " " + target(exchange) + " failed", e);
      sendError(exchange, ErrorCode.INTERNAL, "internal error");
    } finally {
      exchange.close();
      requestsInProgress.decrementAndGet();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      log.info(
          () -> sledId + " " + exchange.getRequestMethod() + " " + target(exchange) + " "
              + exchange.getResponseCode() + " " + millis + "ms");
    }
  }

  /**
   * Refuses new requests and waits up to {@code grace} for those in progress to end. The JDK 17 server's own
   * {@code stop(delay)} always waits the whole delay, which would make every stop of an idle agent slow.
   */
  void drain(Duration grace) {
    stopping = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (requestsInProgress.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(DRAIN_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void route(HttpExchange exchange, boolean depotOnly) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path.equals("/faults") && !depotOnly) {
      // Not omicron's: the tests' switch, which needs no version.
      handleFaults(exchange);
      return;
    }
    // dropshot reads the version before it routes: even a request for no endpoint needs the header.
    (depotOnly ? ApiVersion.REPO_DEPOT : ApiVersion.SLED_AGENT).require(exchange);
    injectFaults();
    if (depotOnly && !path.startsWith(DEPOT_PREFIX)) {
      throw new ApiException(ErrorCode.NOT_FOUND, "no such resource: " + Sha256.quoted(path));
    }
    if (path.equals("/artifacts-config")) {
      if (requireMethod(exchange, "GET", "PUT").equals("GET")) {
        sendJson(exchange, 200, sled.config());
      } else {
        putConfig(exchange);
      }
    } else if (path.equals("/artifacts")) {
      requireMethod(exchange, "GET");
      sendJson(exchange, 200, sled.inventory());
    } else if (path.startsWith(ARTIFACTS_PREFIX)) {
      // Everything after the prefix is the hash candidate, so that "../x" or "a/b" is a 400, never another route.
      String rest = path.substring(ARTIFACTS_PREFIX.length());
      if (rest.endsWith(COPY_SUFFIX)) {
        requireMethod(exchange, "POST");
        copyFromDepot(exchange, rest.substring(0, rest.length() - COPY_SUFFIX.length()));
      } else {
        requireMethod(exchange, "PUT");
        putArtifact(exchange, rest);
      }
    } else if (path.startsWith(DEPOT_PREFIX)) {
      requireMethod(exchange, "GET");
      serveArtifact(exchange, path.substring(DEPOT_PREFIX.length()));
    } else {
      throw new ApiException(ErrorCode.NOT_FOUND, "no such resource: " + Sha256.quoted(path));
    }
  }

  /** The request's method if it is one of {@code allowed}; otherwise a 405 naming them. */
  private static String requireMethod(HttpExchange exchange, String... allowed) {
    String method = exchange.getRequestMethod();
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return method;
      }
    }
    String allow = String.join(", ", allowed);
    exchange.getResponseHeaders().set("Allow", allow);
    throw new ApiException(ErrorCode.METHOD_NOT_ALLOWED, "method " + Sha256.quoted(method) + " not allowed: " + allow);
  }

  private void putConfig(HttpExchange exchange) throws IOException {
    ArtifactsConfig proposed = readJson(exchange, CONFIG_READER);
    sled.replaceConfig(proposed);
    sendEmpty(exchange, 204);
    reconcileSoon.run();
  }

  private void putArtifact(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    sled.requireAccepts(generationParameter(exchange), sha256);
    if (declaredLength(exchange) > maxArtifactBytes) {
      throw new ApiException(
          ErrorCode.BODY_TOO_LARGE, "artifact is larger than the limit of " + maxArtifactBytes + " bytes");
    }
    sendJson(exchange, 200, sled.receive(sha256, receiveLimiter.throttle(exchange.getRequestBody()), maxArtifactBytes));
  }

  private void copyFromDepot(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    sled.requireAccepts(generationParameter(exchange), sha256);
    CopyRequest request = readJson(exchange, COPY_READER);
    copier.start(sha256, copier.parseDepotBaseUrl(request.depotBaseUrl()));
    sendJson(exchange, 202, Map.of());
  }

  private void serveArtifact(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    Path file =
        sled.artifactFile(sha256)
            .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "artifact " + sha256 + " is not on this sled"));
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ApiException(ErrorCode.NOT_FOUND, "artifact " + sha256 + " is not on this sled");
    }
    boolean corrupt = faults.corruptServedBytes();
    try (InputStream in = Channels.newInputStream(channel)) {
      long size = channel.size();
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
      OutputStream out = exchange.getResponseBody();
      byte[] buffer = new byte[BUFFER_BYTES];
      int read;
      while ((read = in.read(buffer)) != -1) {
        sendLimiter.acquire(read);
        if (corrupt && read > 0) {
          buffer[0] ^= (byte) 0xff;
        }
        out.write(buffer, 0, read);
      }
    }
  }

  private void handleFaults(HttpExchange exchange) throws IOException {
    if (!faultInjectionEnabled) {
      throw new ApiException(
          ErrorCode.NOT_FOUND, "fault injection is off: start the agent with --enable-fault-injection");
    }
    if (requireMethod(exchange, "POST", "DELETE").equals("POST")) {
      faults = readJson(exchange, FAULTS_READER);
    } else {
      faults = FaultSettings.NONE;
    }
    log.warning(() -> sledId + " injected faults are now " + faults);
    sendEmpty(exchange, 204);
  }

  private void injectFaults() {
    FaultSettings current = faults;
    if (current.delayMs() > 0) {
      try {
        Thread.sleep(current.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (current.failPercent() > 0 && ThreadLocalRandom.current().nextInt(100) < current.failPercent()) {
      throw new ApiException(ErrorCode.INJECTED_FAULT, "injected failure");
    }
  }

  private static <T> T readJson(HttpExchange exchange, ObjectReader reader) {
    if (declaredLength(exchange) > MAX_JSON_BYTES) {
      throw jsonTooLarge();
    }
    byte[] body;
    try {
      body = exchange.getRequestBody().readNBytes(MAX_JSON_BYTES + 1);
    } catch (IOException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body broke off: " + e.getMessage());
    }
    if (body.length > MAX_JSON_BYTES) {
      throw jsonTooLarge();
    }
    try {
      return reader.readValue(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "malformed JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "malformed JSON body: " + e.getMessage());
    }
  }

  private static ApiException jsonTooLarge() {
    return new ApiException(ErrorCode.BODY_TOO_LARGE, "JSON body is larger than " + MAX_JSON_BYTES + " bytes");
  }

  /** The Content-Length the client announced; -1 for a chunked or empty body, which is counted as it arrives. */
  private static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "invalid Content-Length: " + Sha256.quoted(value));
    }
  }

  private static long generationParameter(HttpExchange exchange) {
    String query = exchange.getRequestURI().getRawQuery();
    String value = null;
    if (query != null) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        if (name.equals("generation")) {
          if (value != null) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "query parameter generation is given twice");
          }
          value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        }
      }
    }
    try {
      long generation = Long.parseLong(value == null ? "" : value);
      if (generation >= 0) {
        return generation;
      }
    } catch (NumberFormatException e) {
      // Answered below, as a missing value is.
    }
    throw new ApiException(
        ErrorCode.BAD_REQUEST, "query parameter generation must be a non-negative integer, got '"
            + (value == null ? "" : Sha256.quoted(value)) + "'");
  }

  private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  /**
   * Answers with dropshot's error envelope, naming the request's {@code x-request-id}; unless the answer had already
   * begun (then the connection just closes).
   */
  private void sendError(HttpExchange exchange, ErrorCode code, String message) {
    if (exchange.getResponseCode() != -1) {
      return;
    }
    discardRequestBody(exchange);
    String requestId = exchange.getResponseHeaders().getFirst(REQUEST_ID_HEADER);
    try {
      sendJson(exchange, code.status, new ErrorBody(requestId, code.wireCode, message));
    } catch (IOException e) {
      log.fine(() -> sledId + " could not answer " + target(exchange) + ": " + e);
    }
  }

  private static void discardRequestBody(HttpExchange exchange) {
    byte[] buffer = new byte[BUFFER_BYTES];
    long discarded = 0;
    try {
      InputStream body = exchange.getRequestBody();
      int read;
      while (discarded < MAX_DISCARDED_BYTES && (read = body.read(buffer)) != -1) {
        discarded += read;
      }
    } catch (IOException e) {
      // The client is gone or sent garbage; the answer will not reach it either way.
    }
  }

  private static String target(HttpExchange exchange) {
    String target = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      target += "?" + query;
    }
    return target.length() <= MAX_LOGGED_TARGET ? target : target.substring(0, MAX_LOGGED_TARGET) + "...";
  }

  /** The body of {@code POST /artifacts/{sha256}/copy-from-depot}. */
  record CopyRequest(String depotBaseUrl) {}

  /** The body of every 4xx and 5xx answer: dropshot's {@code HttpErrorResponseBody}, which omits a null code. */
  record ErrorBody(String requestId, @JsonInclude(JsonInclude.Include.NON_NULL) String errorCode, String message) {}
}

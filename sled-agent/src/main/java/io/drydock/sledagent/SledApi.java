package io.drydock.sledagent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The sled's HTTP APIs, in omicron's wire format (oxidecomputer/omicron {@code
 * openapi/sled-agent/sled-agent-48.0.0- 808ec1.json} and {@code
 * openapi/repo-depot/repo-depot-1.0.0-65083f.json} at b848b6df85531e85aaaa6d434dfb5bfd45bb42ce):
 * the sled agent's artifact endpoints, with the repo depot's {@code GET /artifact/sha256/{sha256}}
 * beside them, and the repo depot alone for a port of its own, as omicron runs it. Routes requests,
 * turns refusals into dropshot's error envelope and logs one line per request.
 */
final class SledApi {
  private static final Logger log = Logger.getLogger(SledApi.class.getName());
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final long DRAIN_POLL_MILLIS = 10;
  private static final String ARTIFACTS_PREFIX = "/artifacts/";
  private static final String COPY_SUFFIX = "/copy-from-depot";
  private static final String COPY_STATUS_SUFFIX = "/copy-status";
  private static final String DEPOT_PREFIX = "/artifact/sha256/";
  private static final String REQUEST_ID_HEADER = "x-request-id";
  private static final ObjectReader CONFIG_READER = Json.MAPPER.readerFor(ArtifactsConfig.class);
  private static final ObjectReader COPY_READER = Json.MAPPER.readerFor(CopyRequest.class);

  private final String sledId;
  private final Sled sled;
  private final DepotCopier copier;
  private final long maxArtifactBytes;
  private final BandwidthLimiter receiveLimiter;
  private final BandwidthLimiter sendLimiter;
  private final FaultInjection faults;
  private final Runnable reconcileSoon;
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
    this.faults = new FaultInjection(sledId, options.enableFaultInjection());
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
        log.fine(() -> sledId + " " + Exchanges.target(exchange) + " broke off: " + e);
      } else {
        log.log(Level.WARNING, sledId + " " + Exchanges.target(exchange) + ": " + e, e);
        sendError(exchange, ErrorCode.INTERNAL, "I/O error on the sled: " + e.getMessage());
      }
    } catch (RuntimeException e) {
      log.log(Level.SEVERE, sledId + " " + Exchanges.target(exchange) + " failed", e);
      sendError(exchange, ErrorCode.INTERNAL, "internal error");
    } finally {
      exchange.close();
      requestsInProgress.decrementAndGet();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      log.info(
          () ->
              sledId
                  + " "
                  + exchange.getRequestMethod()
                  + " "
                  + Exchanges.target(exchange)
                  + " "
                  + exchange.getResponseCode()
                  + " "
                  + millis
                  + "ms");
    }
  }

  /**
   * Refuses new requests and waits up to {@code grace} for those in progress to end. The JDK 17
   * server's own {@code stop(delay)} always waits the whole delay, which would make every stop of
   * an idle agent slow.
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
      faults.handle(exchange);
      return;
    }
    // dropshot reads the version before it routes: even a request for no endpoint needs the header.
    (depotOnly ? ApiVersion.REPO_DEPOT : ApiVersion.SLED_AGENT).require(exchange);
    faults.beforeAnswering();
    if (depotOnly && !path.startsWith(DEPOT_PREFIX)) {
      throw new ApiException(ErrorCode.NOT_FOUND, "no such resource: " + Sha256.quoted(path));
    }
    if (path.equals("/artifacts-config")) {
      if (Exchanges.requireMethod(exchange, "GET", "PUT").equals("GET")) {
        Exchanges.sendJson(exchange, 200, sled.config());
      } else {
        putConfig(exchange);
      }
    } else if (path.equals("/artifacts")) {
      Exchanges.requireMethod(exchange, "GET");
      Exchanges.sendJson(exchange, 200, sled.inventory());
    } else if (path.startsWith(ARTIFACTS_PREFIX)) {
      // Everything after the prefix is the hash candidate, so that "../x" or "a/b" is a 400, never
      // another route.
      String rest = path.substring(ARTIFACTS_PREFIX.length());
      if (rest.endsWith(COPY_SUFFIX)) {
        Exchanges.requireMethod(exchange, "POST");
        copyFromDepot(exchange, rest.substring(0, rest.length() - COPY_SUFFIX.length()));
      } else if (rest.endsWith(COPY_STATUS_SUFFIX)) {
        // Not omicron's: what its sled agent only logs, whether a background copy failed.
        Exchanges.requireMethod(exchange, "GET");
        copyStatus(exchange, rest.substring(0, rest.length() - COPY_STATUS_SUFFIX.length()));
      } else {
        Exchanges.requireMethod(exchange, "PUT");
        putArtifact(exchange, rest);
      }
    } else if (path.startsWith(DEPOT_PREFIX)) {
      Exchanges.requireMethod(exchange, "GET");
      serveArtifact(exchange, path.substring(DEPOT_PREFIX.length()));
    } else {
      throw new ApiException(ErrorCode.NOT_FOUND, "no such resource: " + Sha256.quoted(path));
    }
  }

  private void putConfig(HttpExchange exchange) throws IOException {
    ArtifactsConfig proposed = Exchanges.readJson(exchange, CONFIG_READER);
    sled.replaceConfig(proposed);
    Exchanges.sendEmpty(exchange, 204);
    reconcileSoon.run();
  }

  private void putArtifact(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    sled.requireAccepts(Exchanges.generationParameter(exchange), sha256);
    if (Exchanges.declaredLength(exchange) > maxArtifactBytes) {
      throw new ApiException(
          ErrorCode.BODY_TOO_LARGE,
          "artifact is larger than the limit of " + maxArtifactBytes + " bytes");
    }
    Exchanges.sendJson(
        exchange,
        200,
        sled.receive(sha256, receiveLimiter.throttle(exchange.getRequestBody()), maxArtifactBytes));
  }

  private void copyFromDepot(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    sled.requireAccepts(Exchanges.generationParameter(exchange), sha256);
    CopyRequest request = Exchanges.readJson(exchange, COPY_READER);
    copier.start(sha256, copier.parseDepotBaseUrl(request.depotBaseUrl()));
    Exchanges.sendJson(exchange, 202, Map.of());
  }

  private void copyStatus(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    Exchanges.sendJson(
        exchange,
        200,
        copier
            .status(sha256)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.COPY_UNKNOWN,
                        "no copy of " + sha256 + " since this sled agent started")));
  }

  private void serveArtifact(HttpExchange exchange, String candidate) throws IOException {
    String sha256 = Sha256.requireHex(candidate);
    Path file =
        sled.artifactFile(sha256)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.NOT_FOUND, "artifact " + sha256 + " is not on this sled"));
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

  /**
   * Answers with dropshot's error envelope, naming the request's {@code x-request-id}; unless the
   * answer had already begun (then the connection just closes).
   */
  private void sendError(HttpExchange exchange, ErrorCode code, String message) {
    if (exchange.getResponseCode() != -1) {
      return;
    }
    Exchanges.discardRequestBody(exchange);
    String requestId = exchange.getResponseHeaders().getFirst(REQUEST_ID_HEADER);
    try {
      Exchanges.sendJson(exchange, code.status, new ErrorBody(requestId, code.wireCode, message));
    } catch (IOException e) {
      log.fine(() -> sledId + " could not answer " + Exchanges.target(exchange) + ": " + e);
    }
  }

  /** The body of {@code POST /artifacts/{sha256}/copy-from-depot}. */
  record CopyRequest(String depotBaseUrl) {}

  /**
   * The body of every 4xx and 5xx answer: dropshot's {@code HttpErrorResponseBody}, which omits a
   * null code.
   */
  record ErrorBody(
      String requestId,
      @JsonInclude(JsonInclude.Include.NON_NULL) String errorCode,
      String message) {}
}

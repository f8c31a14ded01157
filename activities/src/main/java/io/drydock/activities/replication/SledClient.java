package io.drydock.activities.replication;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Requests to sled agents. Callers name sleds by id only: each call looks the sled's base URL up in
 * the {@link SledRegistry} when it is made and sends nothing for an id that is not an in-service
 * sled, so no address from a request body or a workflow's input is ever contacted. Redirects are
 * not followed (a sled cannot send us elsewhere), answers are read up to a bound, and every
 * exchange has a time limit. Failures are answers, never exceptions.
 */
public final class SledClient {
  private static final String NO_CONFIG = "No artifact configuration present";

  /**
   * Sled agents are dropshot servers, which refuse a request without the version of the API its
   * client implements (oxidecomputer/dropshot {@code dropshot/src/versioning.rs}); this client
   * implements the artifact endpoints of omicron's sled agent API 48.0.0 (oxidecomputer/omicron
   * {@code openapi/sled-agent/sled-agent-48.0.0-808ec1.json}).
   */
  static final String API_VERSION_HEADER = "api-version";

  static final String SLED_AGENT_API_VERSION = "48.0.0";

  private final SledAddresses addresses;
  private final HttpClient http;
  private final Duration requestTimeout;

  /**
   * @param requestTimeout the limit of each exchange; for an artifact upload, the longest it may go
   *     without sending a byte or, once all are sent, without an answer
   */
  public SledClient(SledRegistry registry, Duration requestTimeout) {
    this.addresses = new SledAddresses(registry);
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(requestTimeout)
            .build();
  }

  /**
   * A sled's answer.
   *
   * @param status the HTTP status, 0 when no answer arrived (or no request was sent)
   * @param errorCode the sled's {@code error_code}, when it sent one
   * @param error null when the request succeeded, else what went wrong
   */
  public record Answer<T>(T value, int status, String errorCode, String error) {
    public boolean succeeded() {
      return error == null;
    }

    /**
     * The error may quote a sled's answer: it is made printable, as the request log and the worker
     * log keep it.
     */
    static <T> Answer<T> failed(int status, String errorCode, String error) {
      return new Answer<>(null, status, errorCode, StoredText.printable(error));
    }
  }

  /**
   * {@code GET /artifacts}: the config generation and, per hash in the config, the copies the sled
   * holds.
   */
  public record Listing(long generation, Map<String, Integer> copies) {}

  /** {@code GET /artifacts-config}. */
  public record Config(long generation, List<String> artifacts) {}

  /**
   * {@code GET /artifacts/{sha256}/copy-status}, which Drydock's reference sled agent answers and
   * omicron's does not: {@code state} is {@code copying}, {@code succeeded} or {@code failed}, the
   * latter with its {@code error}.
   */
  public record CopyStatus(String state, String error) {
    public boolean failed() {
      return "failed".equals(state);
    }
  }

  public Answer<Void> putConfig(String sledId, long generation, List<String> artifacts) {
    byte[] body = SledWireFormat.json(Map.of("generation", generation, "artifacts", artifacts));
    return exchange(
        sledId,
        "/artifacts-config",
        builder ->
            builder
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
        bytes -> null);
  }

  /**
   * The sled's listing. Before its first config omicron's sled answers 400 {@code No artifact
   * configuration present} (oxidecomputer/omicron {@code sled-agent/src/artifact_store.rs}, {@code
   * Error::NoConfig}): it holds nothing then, read as generation 0 and no artifacts.
   */
  public Answer<Listing> listArtifacts(String sledId) {
    Answer<Listing> answer =
        exchange(
            sledId,
            "/artifacts",
            HttpRequest.Builder::GET,
            bytes -> SledWireFormat.listing(sledId, bytes));
    return answer.status() == 400
            && answer.errorCode() == null
            && answer.error().equals("HTTP 400 " + NO_CONFIG)
        ? new Answer<>(new Listing(0, Map.of()), 400, null, null)
        : answer;
  }

  /**
   * The sled's config. Before its first config omicron's sled answers 404 ({@code
   * sled-agent/src/http_entrypoints.rs}, {@code artifact_config_get}: dropshot's {@code
   * for_not_found}, message "Not Found"), read as generation 0 and no artifacts, as a sled that was
   * never given any.
   */
  public Answer<Config> getConfig(String sledId) {
    Answer<Config> answer =
        exchange(sledId, "/artifacts-config", HttpRequest.Builder::GET, SledWireFormat::config);
    return answer.status() == 404
            && answer.errorCode() == null
            && answer.error().equals("HTTP 404 Not Found")
        ? new Answer<>(new Config(0, List.of()), 404, null, null)
        : answer;
  }

  /**
   * Tells the target sled to copy the artifact from the source sled's repo depot, naming the
   * source's registered depot URL (its base URL unless registered apart), as Nexus names a sled's
   * {@code repo_depot_port}. Succeeds when the target accepted (202): the copy continues in the
   * background.
   */
  public Answer<Void> copyFromDepot(
      String targetSledId, String sourceSledId, String sha256, long generation) {
    Optional<String> sourceUrl = addresses.depotUrl(sourceSledId);
    if (sourceUrl.isEmpty()) {
      return notSent("source sled '" + sourceSledId + "' is not registered or not in service");
    }
    byte[] body = SledWireFormat.json(Map.of("depot_base_url", sourceUrl.get()));
    return artifactExchange(
        targetSledId,
        sha256,
        "/copy-from-depot?generation=" + generation,
        builder ->
            builder
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        bytes -> null);
  }

  /**
   * What the target says of its latest copy of the artifact. A sled without the endpoint, as
   * omicron's, answers 404 (dropshot's router), as the reference agent does for a copy it does not
   * know.
   */
  public Answer<CopyStatus> copyStatus(String sledId, String sha256) {
    return artifactExchange(
        sledId, sha256, "/copy-status", HttpRequest.Builder::GET, SledWireFormat::copyStatus);
  }

  /**
   * Streams the file to the sled as the artifact's bytes. While the upload runs, {@code progress}
   * is called about once a second, on the calling thread, with the bytes sent so far; if it throws
   * (an activity's heartbeat reporting a cancel), the upload is abandoned and the exception passes.
   *
   * @param sent set to the number of bytes sent, whatever the outcome
   */
  public Answer<Void> putArtifact(
      String sledId,
      String sha256,
      long generation,
      Path file,
      AtomicLong sent,
      LongConsumer progress) {
    Optional<String> baseUrl = addresses.artifactBaseUrl(sledId, sha256);
    if (baseUrl.isEmpty()) {
      return notSent(SledAddresses.problem(sledId, sha256));
    }
    long length;
    try {
      length = Files.size(file);
    } catch (IOException e) {
      return notSent("cannot read the artifact from the local depot: " + e);
    }
    return send(
        () ->
            HttpRequest.newBuilder(
                    SledAddresses.artifactUri(baseUrl.get(), sha256, "?generation=" + generation))
                .header(API_VERSION_HEADER, SLED_AGENT_API_VERSION)
                .header("Content-Type", "application/octet-stream")
                .PUT(ArtifactUploadStream.body(file, length, sent))
                .build(),
        bytes -> null,
        response ->
            ArtifactUploadStream.whileProgressing(response, sent, progress, requestTimeout));
  }

  private HttpResponse<byte[]> withinRequestTimeout(
      CompletableFuture<HttpResponse<byte[]>> response)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      return response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("no complete answer within " + requestTimeout.toSeconds() + " s");
    }
  }

  private <T> Answer<T> artifactExchange(
      String sledId,
      String sha256,
      String suffix,
      Function<HttpRequest.Builder, HttpRequest.Builder> method,
      Function<byte[], T> parse) {
    Optional<String> baseUrl = addresses.artifactBaseUrl(sledId, sha256);
    if (baseUrl.isEmpty()) {
      return notSent(SledAddresses.problem(sledId, sha256));
    }
    return send(
        () -> request(SledAddresses.artifactUri(baseUrl.get(), sha256, suffix), method), parse);
  }

  private <T> Answer<T> exchange(
      String sledId,
      String path,
      Function<HttpRequest.Builder, HttpRequest.Builder> method,
      Function<byte[], T> parse) {
    Optional<String> baseUrl = addresses.baseUrl(sledId);
    if (baseUrl.isEmpty()) {
      return notSent(SledAddresses.notInService(sledId));
    }
    return send(() -> request(URI.create(baseUrl.get() + path), method), parse);
  }

  private HttpRequest request(URI uri, Function<HttpRequest.Builder, HttpRequest.Builder> method) {
    return method
        .apply(
            HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header(API_VERSION_HEADER, SLED_AGENT_API_VERSION))
        .build();
  }

  private <T> Answer<T> send(Supplier<HttpRequest> request, Function<byte[], T> parse) {
    return send(request, parse, this::withinRequestTimeout);
  }

  /**
   * Builds the request and sends it. A request that cannot be built or handed to the HTTP client (a
   * registered URL this JDK refuses, a body it does not take) is a failed answer like any other, so
   * that it is logged and counted.
   */
  private <T> Answer<T> send(
      Supplier<HttpRequest> request, Function<byte[], T> parse, AnswerWait wait) {
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      response = http.sendAsync(request.get(), info -> new BoundedBody());
    } catch (RuntimeException e) {
      return notSent("the request could not be made: " + e);
    }
    try {
      return SledWireFormat.answer(wait.await(response), parse);
    } catch (TimeoutException e) {
      return Answer.failed(0, null, e.getMessage());
    } catch (ExecutionException e) {
      return unreachable(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.failed(0, null, "interrupted");
    } finally {
      response.cancel(true);
    }
  }

  /** How long to wait for an answer, and what to do meanwhile. */
  private interface AnswerWait {
    HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> response)
        throws ExecutionException, InterruptedException, TimeoutException;
  }

  private static <T> Answer<T> notSent(String why) {
    return Answer.failed(0, null, why + "; no request was sent");
  }

  private <T> Answer<T> unreachable(Throwable cause) {
    if (cause instanceof HttpTimeoutException) {
      return Answer.failed(0, null, "no answer within " + requestTimeout.toSeconds() + " s");
    }
    return Answer.failed(0, null, "unreachable: " + cause);
  }
}

package io.drydock.sledagent;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies artifacts from another sled's depot ({@code GET /artifact/sha256/{sha256}}) in the
 * background, verifying them exactly as an upload is verified. {@link HttpURLConnection} rather
 * than {@code java.net.http.HttpClient} because only it has a read timeout: a source that stalls
 * mid-stream must not hold a copy slot forever.
 */
final class DepotCopier implements AutoCloseable {
  private static final Logger log = Logger.getLogger(DepotCopier.class.getName());
  static final int MAX_CONCURRENT_COPIES = 8;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final String sledId;
  private final Sled sled;
  private final long maxArtifactBytes;
  private final Set<String> allowedDepotHosts;
  private final BandwidthLimiter receiveLimiter;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT_COPIES);
  private final ExecutorService copies;
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final CopyLedger ledger = new CopyLedger();

  DepotCopier(String sledId, Sled sled, SledAgentOptions options, BandwidthLimiter receiveLimiter) {
    this.sledId = sledId;
    this.sled = sled;
    this.maxArtifactBytes = options.maxArtifactBytes();
    this.allowedDepotHosts = options.allowedDepotHosts();
    this.receiveLimiter = receiveLimiter;
    this.copies =
        Executors.newFixedThreadPool(
            MAX_CONCURRENT_COPIES, SledAgent.daemonThreads(sledId + "-copy"));
  }

  /**
   * The depot's base URL: {@code http(s)://host:port} and nothing more, since the copier appends
   * the path itself and the value comes from the request.
   */
  URI parseDepotBaseUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "depot_base_url is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean bare =
        uri.getRawUserInfo() == null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && (uri.getRawPath() == null
                || uri.getRawPath().isEmpty()
                || uri.getRawPath().equals("/"));
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "depot_base_url must look like http://host:port, got '" + Sha256.quoted(value) + "'");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String hostAndPort = uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    if (!allowedDepotHosts.isEmpty() && !allowedDepotHosts.contains(hostAndPort)) {
      throw new ApiException(
          ErrorCode.DEPOT_NOT_ALLOWED,
          "depot " + hostAndPort + " is not in this sled's --allowed-depot-hosts");
    }
    return uri;
  }

  /**
   * Asks the depot for the artifact and returns once it answered 200, leaving the transfer to a
   * background thread. Refuses when every copy slot is busy rather than queueing behind transfers
   * that may take minutes.
   */
  void start(String sha256, URI depotBaseUrl) {
    if (!slots.tryAcquire()) {
      throw new ApiException(
          ErrorCode.TOO_MANY_COPIES,
          MAX_CONCURRENT_COPIES + " copies are already running on this sled; retry later");
    }
    HttpURLConnection source = null;
    try {
      source = connect(depotBaseUrl.resolve("/artifact/sha256/" + sha256));
      long length = source.getContentLengthLong();
      if (length > maxArtifactBytes) {
        throw new ApiException(
            ErrorCode.BODY_TOO_LARGE,
            "the depot offers "
                + length
                + " bytes, over the limit of "
                + maxArtifactBytes
                + " bytes");
      }
      HttpURLConnection answered = source;
      long copy = ledger.started(sha256, depotBaseUrl.toString());
      try {
        copies.execute(() -> copy(sha256, copy, depotBaseUrl, answered));
      } catch (RejectedExecutionException e) {
        ledger.failed(sha256, copy, "the sled agent is stopping");
        throw e;
      }
    } catch (RuntimeException e) {
      if (source != null) {
        source.disconnect();
      }
      slots.release();
      if (e instanceof RejectedExecutionException) {
        throw new ApiException(ErrorCode.TOO_MANY_COPIES, "the sled agent is stopping");
      }
      throw e;
    }
  }

  private static HttpURLConnection connect(URI artifactUri) {
    HttpURLConnection connection = null;
    try {
      // Sled to sled traffic is direct: a proxy configured for the JVM must not see it.
      connection = (HttpURLConnection) artifactUri.toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      // Depots are dropshot servers too (omicron's repo depot client sends its API version).
      connection.setRequestProperty(ApiVersion.HEADER, ApiVersion.REPO_DEPOT.toString());
      int status = connection.getResponseCode();
      if (status != 200) {
        connection.disconnect();
        throw new ApiException(
            ErrorCode.SOURCE_UNAVAILABLE, "the depot answered " + status + " for " + artifactUri);
      }
      return connection;
    } catch (IOException e) {
      if (connection != null) {
        connection.disconnect();
      }
      throw new ApiException(
          ErrorCode.SOURCE_UNAVAILABLE,
          "the depot did not answer for " + artifactUri + ": " + e.getMessage());
    }
  }

  private void copy(String sha256, long copy, URI depotBaseUrl, HttpURLConnection source) {
    try (InputStream body = source.getInputStream()) {
      int copiesHere =
          sled.receive(sha256, receiveLimiter.throttle(body), maxArtifactBytes).successfulWrites();
      succeeded.incrementAndGet();
      ledger.succeeded(sha256, copy);
      log.info(
          () ->
              sledId
                  + " copied "
                  + sha256
                  + " from "
                  + depotBaseUrl
                  + " onto "
                  + copiesHere
                  + " disk(s)");
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      ledger.failed(sha256, copy, String.valueOf(e.getMessage()));
      log.log(
          Level.WARNING,
          sledId + " copy of " + sha256 + " from " + depotBaseUrl + " failed: " + e.getMessage());
    } finally {
      source.disconnect();
      slots.release();
    }
  }

  /** The latest copy of the artifact this agent started since it started, if any. */
  Optional<CopyLedger.CopyStatus> status(String sha256) {
    return ledger.status(sha256);
  }

  /** Copies that stored their artifact. */
  long succeeded() {
    return succeeded.get();
  }

  /** Copies that ended without storing their artifact. */
  long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    copies.shutdownNow();
    try {
      copies.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

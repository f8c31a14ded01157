package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** A test's HTTP client for one sled agent. */
final class SledClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  static final String VERSION = ApiVersion.HEADER;

  /** What omicron's clients send: the version of the API they were generated from. */
  static final String VERSION_SENT = ApiVersion.SLED_AGENT.toString();

  final URI base;

  SledClient(URI base) {
    this.base = base;
  }

  record Response(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String errorCode() {
      return json().path("error_code").asText(null);
    }

    /** That this is the error envelope with {@code errorCode}, sent with {@code status}. */
    void assertError(int status, String errorCode) {
      assertThat(status()).as(body).isEqualTo(status);
      assertThat(errorCode()).as(body).isEqualTo(errorCode);
      assertThat(json().path("message").asText()).as(body).isNotBlank();
    }
  }

  Response get(String path) {
    return send("GET", path, BodyPublishers.noBody());
  }

  Response put(String path, String json) {
    return send("PUT", path, BodyPublishers.ofString(json));
  }

  Response post(String path, String json) {
    return send("POST", path, BodyPublishers.ofString(json));
  }

  Response delete(String path) {
    return send("DELETE", path, BodyPublishers.noBody());
  }

  Response send(String method, String path, BodyPublisher body) {
    try {
      return sendAsync(method, path, body).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException(method + " " + path + " failed", e.getCause());
    }
  }

  CompletableFuture<Response> sendAsync(String method, String path, BodyPublisher body) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, body)
            .header(VERSION, VERSION_SENT)
            .build();
    return HTTP.sendAsync(request, BodyHandlers.ofString())
        .thenApply(response -> new Response(response.statusCode(), response.body()));
  }

  /** A body sent chunked, without a Content-Length. */
  static BodyPublisher chunked(byte[] bytes) {
    return BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes));
  }

  void putConfig(long generation, String... artifacts) {
    Response response = put("/artifacts-config", configJson(generation, artifacts));
    assertThat(response.status()).as(response.body()).isEqualTo(204);
  }

  static String configJson(long generation, String... artifacts) {
    Map<String, Object> config = new HashMap<>();
    config.put("generation", generation);
    config.put("artifacts", Arrays.asList(artifacts));
    try {
      return JSON.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response putArtifact(long generation, String sha256, BodyPublisher body) {
    return send("PUT", "/artifacts/" + sha256 + "?generation=" + generation, body);
  }

  void upload(long generation, Artifact artifact) {
    Response response =
        putArtifact(generation, artifact.sha256(), BodyPublishers.ofByteArray(artifact.bytes()));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  Response copyFromDepot(long generation, String sha256, URI depot) {
    return post(
        "/artifacts/" + sha256 + "/copy-from-depot?generation=" + generation,
        "{\"depot_base_url\": \"" + depot + "\"}");
  }

  /** {@code GET /artifacts}'s list: hash to copies. */
  Map<String, Integer> inventory() {
    Response response = get("/artifacts");
    assertThat(response.status()).isEqualTo(200);
    Map<String, Integer> copies = new HashMap<>();
    response
        .json()
        .path("list")
        .fields()
        .forEachRemaining(e -> copies.put(e.getKey(), e.getValue().asInt()));
    return copies;
  }

  byte[] download(String sha256) {
    return download(sha256, BodyHandlers.ofByteArray());
  }

  /**
   * {@code GET /artifact/sha256/{sha256}}, which must answer 200, its body handled by {@code
   * handler}.
   */
  <T> T download(String sha256, HttpResponse.BodyHandler<T> handler) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/artifact/sha256/" + sha256))
            .header(VERSION, VERSION_SENT)
            .build();
    try {
      HttpResponse<T> response = HTTP.send(request, handler);
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The status of a request sent byte for byte as written, so that no client library can normalise
   * a path such as {@code /artifacts/../x} before the sled sees it.
   */
  int rawStatus(String method, String rawTarget) {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          (method
                  + " "
                  + rawTarget
                  + " HTTP/1.1\r\nHost: sled\r\napi-version: "
                  + VERSION_SENT
                  + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine =
          new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
      return Integer.parseInt(statusLine.split(" ")[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for {@code condition}; only a bound on how long a broken agent can hang the test, never a
   * measurement.
   */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}

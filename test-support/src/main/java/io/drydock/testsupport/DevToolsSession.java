package io.drydock.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One page target of a Chromium started with {@code --remote-debugging-port=0}, driven over its
 * WebSocket.
 */
final class DevToolsSession implements WebSocket.Listener, AutoCloseable {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);

  private final AtomicInteger nextId = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final StringBuilder partialMessage = new StringBuilder();
  private final Path stderr;
  private WebSocket socket;

  private DevToolsSession(Path stderr) {
    this.stderr = stderr;
  }

  /**
   * Chromium picks the debugging port itself (so parallel browsers never collide) and announces it
   * in DevToolsActivePort in the profile; the page target's WebSocket address comes from its
   * /json/list endpoint.
   */
  static DevToolsSession attach(Path profile, Process process, Path stderr) {
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + ATTACH_TIMEOUT.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String lastError = "no DevToolsActivePort yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "chromium exited with code "
                + process.exitValue()
                + "; stderr:\n"
                + HeadlessChromium.stderrTail(stderr));
      }
      try {
        if (Files.isRegularFile(portFile)) {
          String port = Files.readAllLines(portFile).get(0).strip();
          HttpResponse<String> targets =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          for (JsonNode target : HeadlessChromium.JSON.readTree(targets.body())) {
            if ("page".equals(target.path("type").asText())) {
              DevToolsSession session = new DevToolsSession(stderr);
              session.socket =
                  http.newWebSocketBuilder()
                      .buildAsync(URI.create(target.path("webSocketDebuggerUrl").asText()), session)
                      .get(ATTACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
              return session;
            }
          }
          lastError = "no page target in " + targets.body();
        }
      } catch (IOException | IndexOutOfBoundsException | ExecutionException | TimeoutException e) {
        lastError = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while attaching to chromium", e);
      }
      Os.sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException(
        "could not attach to chromium's DevTools within "
            + ATTACH_TIMEOUT
            + " ("
            + lastError
            + "); stderr:\n"
            + HeadlessChromium.stderrTail(stderr));
  }

  JsonNode call(String method, Map<String, Object> params) {
    int id = nextId.incrementAndGet();
    CompletableFuture<JsonNode> response = new CompletableFuture<>();
    pending.put(id, response);
    ObjectNode request =
        HeadlessChromium.JSON.createObjectNode().put("id", id).put("method", method);
    request.set("params", HeadlessChromium.JSON.valueToTree(params));
    try {
      socket
          .sendText(HeadlessChromium.JSON.writeValueAsString(request), true)
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode message = response.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (message.has("error")) {
        throw new DevToolsError("DevTools " + method + " failed: " + message.get("error"));
      }
      return message.path("result");
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "DevTools "
              + method
              + " got no answer: "
              + e
              + "; stderr:\n"
              + HeadlessChromium.stderrTail(stderr),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during DevTools " + method, e);
    } finally {
      pending.remove(id);
    }
  }

  /**
   * The page's rendered text, or "" while a page replaces its document: scripts that run then find
   * no execution context, which means "not yet" to a caller that polls.
   */
  String visibleText() {
    try {
      return evaluate("document.body ? document.body.innerText : ''").asText();
    } catch (DevToolsError e) {
      return "";
    }
  }

  JsonNode evaluate(String expression) {
    return evaluationResult(expression, Map.of("expression", expression, "returnByValue", true));
  }

  void evaluateAsync(String promiseExpression) {
    evaluationResult(
        promiseExpression,
        Map.of("expression", promiseExpression, "awaitPromise", true, "returnByValue", true));
  }

  private JsonNode evaluationResult(String expression, Map<String, Object> params) {
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(
          "page script " + expression + " failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  void saveScreenshot(Path png) {
    String data = call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
    try {
      Files.write(png, Base64.getDecoder().decode(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partialMessage.append(data);
    if (last) {
      String message = partialMessage.toString();
      partialMessage.setLength(0);
      try {
        JsonNode json = HeadlessChromium.JSON.readTree(message);
        if (json.has("id")) {
          CompletableFuture<JsonNode> response = pending.get(json.get("id").asInt());
          if (response != null) {
            response.complete(json);
          }
        }
      } catch (IOException e) {
        pending.values().forEach(response -> response.completeExceptionally(e));
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    pending.values().forEach(response -> response.completeExceptionally(error));
  }

  @Override
  public void close() {
    socket.abort();
  }

  /** An error answer from Chromium, as opposed to no answer at all. */
  static final class DevToolsError extends IllegalStateException {
    DevToolsError(String message) {
      super(message);
    }
  }
}

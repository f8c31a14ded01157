package io.drydock.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadlessChromiumTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir Path dir;

  @BeforeAll
  static void chromiumInstalled() {
    assumeTrue(HeadlessChromium.find().isPresent(), "no Chromium installed");
  }

  @Test
  void dumpDomShowsTheDomAfterScriptsRan() {
    String dom =
        HeadlessChromium.dumpDom(
            "data:text/html,<p id=p>static</p><script>p.textContent = 'scripted'</script>",
            Duration.ofSeconds(2));
    assertTrue(dom.contains("<p id=\"p\">scripted</p>"), dom);
  }

  @Test
  void screenshotHasTheRequestedSize() throws IOException {
    Path png =
        HeadlessChromium.screenshot(
            "data:text/html,<h1>hello</h1>",
            dir.resolve("shot.png"),
            640,
            360,
            Duration.ofSeconds(2));
    assertPng(png, 640, 360);
  }

  /**
   * The page keeps a request open, as the Temporal UI does for a running workflow, which would hold
   * up a virtual time budget forever, and only shows its text after a while, built from
   * localStorage.
   */
  @Test
  void awaitTextWaitsForLateTextWhileARequestHangs() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                "<script>fetch('/hang'); setTimeout(() => document.body.insertAdjacentHTML('beforeend',"
                    + " '<p>ready ' + localStorage.getItem('greeting') + '</p>'), 500)</script>"));
    server.createContext(
        "/hang",
        exchange -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(exchange, "late");
        });
    server.start();
    try {
      HeadlessChromium.RenderedPage page =
          HeadlessChromium.awaitText(
              "http://127.0.0.1:" + server.getAddress().getPort() + "/",
              Map.of("greeting", "hello"),
              "ready hello",
              Duration.ofSeconds(20),
              dir.resolve("page.png"),
              800,
              600);
      assertTrue(page.html().contains("<p>ready hello</p>"), page.html());
      assertPng(page.screenshot(), 800, 600);
    } finally {
      release.countDown();
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The IHDR chunk right after the signature holds width and height as big-endian ints. */
  private static void assertPng(Path png, int width, int height) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8));
    ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);
    assertEquals(width, header.getInt());
    assertEquals(height, header.getInt());
  }
}

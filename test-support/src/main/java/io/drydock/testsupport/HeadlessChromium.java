package io.drydock.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Headless Chromium for looking at web pages the way a person would.
 *
 * <p>{@link #dumpDom} and {@link #screenshot} use Chromium's one-shot command line modes, which let
 * the page run for a virtual time budget. They suit pages that go quiet once loaded, but never
 * return on a page that keeps a long-poll request open, because virtual time stands still while a
 * request is pending: the Temporal UI's page of a <em>running</em> workflow is one. {@link
 * #awaitText} drives the browser over the DevTools protocol instead and waits, in real time, for
 * the text a test expects; it works on every page.
 */
public final class HeadlessChromium {

  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--no-first-run",
          "--disable-component-update",
          "--disable-sync",
          "--disable-quic");
  private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  static final ObjectMapper JSON = new ObjectMapper();

  private HeadlessChromium() {}

  /**
   * Chromium from {@code CHROMIUM_BIN}, else {@code /usr/bin/chromium}, else {@code chromium} or
   * {@code chromium-browser} on PATH.
   */
  public static Optional<Path> find() {
    String configured = System.getenv("CHROMIUM_BIN");
    if (configured != null && !configured.isBlank()) {
      Path path = Paths.get(configured);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(
            "CHROMIUM_BIN=" + configured + " is not an executable file");
      }
      return Optional.of(path);
    }
    Path debian = Paths.get("/usr/bin/chromium");
    if (Files.isExecutable(debian)) {
      return Optional.of(debian);
    }
    return Os.onPath("chromium").or(() -> Os.onPath("chromium-browser"));
  }

  /**
   * The DOM serialized after the page has run for the virtual time budget (see the class comment
   * for limits).
   */
  public static String dumpDom(String url, Duration virtualTimeBudget) {
    Path dom = Os.createTempFile("chromium-dom-", ".html");
    try {
      runOneShot(
          List.of("--virtual-time-budget=" + virtualTimeBudget.toMillis(), "--dump-dom", url), dom);
      return Files.readString(dom);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Os.deleteRecursively(dom);
    }
  }

  /**
   * A PNG of the page after the virtual time budget (see the class comment for limits); returns
   * {@code pngOut}.
   */
  public static Path screenshot(
      String url, Path pngOut, int width, int height, Duration virtualTimeBudget) {
    Path png = pngOut.toAbsolutePath();
    createParentDirectories(png);
    try {
      Files.deleteIfExists(png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String stderr =
        runOneShot(
            List.of(
                "--virtual-time-budget=" + virtualTimeBudget.toMillis(),
                "--screenshot=" + png,
                "--window-size=" + width + "," + height,
                url),
            null);
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException(
          "chromium wrote no screenshot " + png + " of " + url + "; stderr:\n" + stderr);
    }
    return png;
  }

  /** What {@link #awaitText} saw once the expected text had appeared. */
  public record RenderedPage(String text, String html, Path screenshot) {}

  /**
   * Opens {@code url} in a {@code width}x{@code height} viewport, waits up to {@code timeout} until
   * the page's visible text ({@code document.body.innerText}) contains {@code expectedText}, then
   * saves a PNG to {@code pngOut} and returns the text and the serialized DOM. On timeout the PNG
   * is still saved, and the failure quotes the text the page showed.
   */
  public static RenderedPage awaitText(
      String url, String expectedText, Duration timeout, Path pngOut, int width, int height) {
    return awaitText(url, Map.of(), expectedText, timeout, pngOut, width, height);
  }

  /**
   * Like {@link #awaitText(String, String, Duration, Path, int, int)}, with {@code localStorage}
   * entries put in place before the page's own scripts run: single-page apps keep their view
   * settings there (the Temporal UI, for example, its workflow list columns under {@code
   * namespace-workflow-table-columns}).
   */
  public static RenderedPage awaitText(
      String url,
      Map<String, String> localStorage,
      String expectedText,
      Duration timeout,
      Path pngOut,
      int width,
      int height) {
    Path png = pngOut.toAbsolutePath();
    createParentDirectories(png);
    Path profile = Os.createTempDir("chromium-profile-");
    Path stderr = Os.createTempFile("chromium-", ".log");
    List<String> command = new ArrayList<>();
    command.add(requireChromium().toString());
    command.addAll(FLAGS);
    command.addAll(
        List.of("--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"));
    Process process = start(command, stderr, null);
    try (DevToolsSession page = DevToolsSession.attach(profile, process, stderr)) {
      // The viewport of a headless window is smaller than the window; emulation makes the PNG
      // exactly W x H.
      page.call(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
      if (!localStorage.isEmpty()) {
        // Without the Page domain enabled, Chromium accepts the script but never runs it.
        page.call("Page.enable", Map.of());
        page.call(
            "Page.addScriptToEvaluateOnNewDocument",
            Map.of("source", localStorageScript(localStorage)));
      }
      JsonNode navigation = page.call("Page.navigate", Map.of("url", url));
      if (navigation.hasNonNull("errorText")) {
        throw new IllegalStateException(
            "chromium could not open " + url + ": " + navigation.get("errorText").asText());
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      String text = page.visibleText();
      while (!text.contains(expectedText)) {
        if (System.nanoTime() > deadline) {
          page.saveScreenshot(png);
          throw new IllegalStateException(
              String.format(
                  "%s did not show \"%s\" within %s; screenshot %s; the page showed:%n%s",
                  url, expectedText, timeout, png, tailOf(text, 3000)));
        }
        Os.sleep(POLL_INTERVAL);
        text = page.visibleText();
      }
      // The text can appear a frame before the layout around it settles; two frames later the
      // picture matches it.
      page.evaluateAsync(
          "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
      page.saveScreenshot(png);
      String html = page.evaluate("document.documentElement.outerHTML").asText();
      return new RenderedPage(text, html, png);
    } finally {
      Os.stopProcessTree(process, STOP_GRACE);
      Os.deleteRecursively(profile);
      Os.deleteRecursively(stderr);
    }
  }

  /**
   * Documents without an origin, such as about:blank, refuse localStorage; the entries only matter
   * on the page.
   */
  private static String localStorageScript(Map<String, String> entries) {
    try {
      return "try { for (const [key, value] of Object.entries("
          + JSON.writeValueAsString(entries)
          + ")) localStorage.setItem(key, value); } catch (refused) {}";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs Chromium to completion with a fresh profile; returns its filtered stderr, and fails with
   * it.
   */
  private static String runOneShot(List<String> taskFlags, Path stdout) {
    Path profile = Os.createTempDir("chromium-profile-");
    Path stderr = Os.createTempFile("chromium-", ".log");
    List<String> command = new ArrayList<>();
    command.add(requireChromium().toString());
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.addAll(taskFlags);
    Process process = start(command, stderr, stdout);
    try {
      if (!process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "chromium did not finish within "
                + PROCESS_TIMEOUT
                + " (a page that keeps a request open never uses up its virtual time budget; use awaitText): "
                + command
                + "\nstderr:\n"
                + stderrTail(stderr));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "chromium exited with code "
                + process.exitValue()
                + ": "
                + command
                + "\nstderr:\n"
                + stderrTail(stderr));
      }
      return stderrTail(stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while chromium ran", e);
    } finally {
      Os.stopProcessTree(process, STOP_GRACE);
      Os.deleteRecursively(profile);
      Os.deleteRecursively(stderr);
    }
  }

  private static Process start(List<String> command, Path stderr, Path stdout) {
    ProcessBuilder.Redirect output =
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile());
    try {
      return new ProcessBuilder(command)
          .redirectError(stderr.toFile())
          .redirectOutput(output)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    }
  }

  private static Path requireChromium() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no Chromium found (CHROMIUM_BIN, /usr/bin/chromium, chromium or chromium-browser on PATH); "
                        + "install it with: apt-get install chromium"));
  }

  /**
   * Chromium complains on every start that there is no D-Bus, and Debian's wrapper script trips
   * over a test; without those lines the tail shows the error that matters.
   */
  static String stderrTail(Path stderr) {
    return Os.tail(stderr)
        .lines()
        .filter(line -> !line.contains("dbus/") && !line.contains("unexpected operator"))
        .collect(Collectors.joining("\n"));
  }

  private static String tailOf(String text, int maxChars) {
    return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
  }

  private static void createParentDirectories(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

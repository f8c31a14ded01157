package io.drydock.quickstart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for GitLab Rails' import notification endpoint: records every request and answers 200, or what a test
 * told it to answer for one repository.
 */
final class NotificationReceiver implements AutoCloseable {
  static final String PREFIX = "/rails/";
  static final String SUFFIX = "/migration";

  record Received(String path, String authorization, String body, int answered) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final Map<String, String> answerBodies = new ConcurrentHashMap<>();

  NotificationReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        PREFIX,
        exchange -> {
          String uri = exchange.getRequestURI().getPath();
          String path = uri.substring(PREFIX.length(), uri.length() - SUFFIX.length());
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int answer = answers.getOrDefault(path, 200);
          received.add(new Received(path, exchange.getRequestHeaders().getFirst("Authorization"), body, answer));
          byte[] answerBody = answerBodies.getOrDefault(path, "").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(answer, answerBody.length == 0 ? -1 : answerBody.length);
          exchange.getResponseBody().write(answerBody);
          exchange.close();
        });
    server.start();
  }

  /** The URL template Drydock is configured with. */
  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX + "{path}" + SUFFIX;
  }

  void answer(String path, int status) {
    answers.put(path, status);
  }

  void answer(String path, int status, String body) {
    answerBodies.put(path, body);
    answers.put(path, status);
  }

  List<Received> receivedFor(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

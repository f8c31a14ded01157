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
 * Stands in for GitLab Rails' import notification endpoint, at its route ({@code PUT
 * /api/v4/internal/registry/repositories/*repository_path/migration/status}, gitlabhq/gitlabhq
 * lib/api/internal/container_registry/migration.rb): records every request and answers 200, what a
 * test told it to answer for one repository, or what the endpoint a test routed the repository to
 * answers.
 */
public final class NotificationReceiver implements AutoCloseable {
  static final String PREFIX = "/api/v4/internal/registry/repositories/";
  static final String SUFFIX = "/migration/status";

  public record Received(String path, String authorization, String body, int answered) {}

  public record Answer(int status, String body) {}

  /** An endpoint answering one repository's notifications. */
  public interface Endpoint {
    Answer receive(String repositoryPath, String authorization, String body);
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final Map<String, String> answerBodies = new ConcurrentHashMap<>();
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

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
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          Endpoint endpoint = endpoints.get(path);
          Answer answered =
              endpoint != null
                  ? endpoint.receive(path, authorization, body)
                  : new Answer(
                      answers.getOrDefault(path, 200), answerBodies.getOrDefault(path, ""));
          received.add(new Received(path, authorization, body, answered.status()));
          byte[] answerBody = answered.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(
              answered.status(), answerBody.length == 0 ? -1 : answerBody.length);
          exchange.getResponseBody().write(answerBody);
          exchange.close();
        });
    server.start();
  }

  /** The URL template Drydock is configured with. */
  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX + "{path}" + SUFFIX;
  }

  public void route(String path, Endpoint endpoint) {
    endpoints.put(path, endpoint);
  }

  public void answer(String path, int status) {
    answers.put(path, status);
  }

  public void answer(String path, int status, String body) {
    answerBodies.put(path, body);
    answers.put(path, status);
  }

  public List<Received> receivedFor(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

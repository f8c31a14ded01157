package io.drydock.sledagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reading requests and writing answers on a JDK {@code HttpExchange}, as dropshot reads and answers
 * them.
 */
final class Exchanges {
  static final int MAX_JSON_BYTES = 1024 * 1024;
  // After a refusal the rest of a body up to this size is read and dropped, so that the client,
  // still sending, gets
  // to read the answer; past it the connection is closed instead of reading gigabytes for nothing.
  private static final long MAX_DISCARDED_BYTES = 8L * 1024 * 1024;
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final int MAX_LOGGED_TARGET = 200;

  private Exchanges() {}

  /** The request's method if it is one of {@code allowed}; otherwise a 405 naming them. */
  static String requireMethod(HttpExchange exchange, String... allowed) {
    String method = exchange.getRequestMethod();
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return method;
      }
    }
    String allow = String.join(", ", allowed);
    exchange.getResponseHeaders().set("Allow", allow);
    throw new ApiException(
        ErrorCode.METHOD_NOT_ALLOWED, "method " + Sha256.quoted(method) + " not allowed: " + allow);
  }

  static <T> T readJson(HttpExchange exchange, ObjectReader reader) {
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
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "malformed JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "malformed JSON body: " + e.getMessage());
    }
  }

  private static ApiException jsonTooLarge() {
    return new ApiException(
        ErrorCode.BODY_TOO_LARGE, "JSON body is larger than " + MAX_JSON_BYTES + " bytes");
  }

  /**
   * The Content-Length the client announced; -1 for a chunked or empty body, which is counted as it
   * arrives.
   */
  static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "invalid Content-Length: " + Sha256.quoted(value));
    }
  }

  static long generationParameter(HttpExchange exchange) {
    String query = exchange.getRequestURI().getRawQuery();
    String value = null;
    if (query != null) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String name =
            URLDecoder.decode(
                equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        if (name.equals("generation")) {
          if (value != null) {
            throw new ApiException(
                ErrorCode.BAD_REQUEST, "query parameter generation is given twice");
          }
          value =
              equals < 0
                  ? ""
                  : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
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
        ErrorCode.BAD_REQUEST,
        "query parameter generation must be a non-negative integer, got '"
            + (value == null ? "" : Sha256.quoted(value))
            + "'");
  }

  static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  static void sendEmpty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  static void discardRequestBody(HttpExchange exchange) {
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

  static String target(HttpExchange exchange) {
    String target = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      target += "?" + query;
    }
    return target.length() <= MAX_LOGGED_TARGET
        ? target
        : target.substring(0, MAX_LOGGED_TARGET) + "...";
  }
}

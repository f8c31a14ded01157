package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.Json;
import io.drydock.activities.replication.SledClient.Answer;
import io.drydock.activities.replication.SledClient.Config;
import io.drydock.activities.replication.SledClient.Listing;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON bodies {@link SledClient} exchanges with a sled agent: request bodies written, answers
 * read into {@link Answer}s, dropshot's error bodies decoded. Kept apart from the transport so that
 * what a sled may send is checked in one place.
 */
final class SledWireFormat {
  /**
   * Logs under {@link SledClient}, where the bogus listings it reports were logged before this
   * class existed.
   */
  private static final Logger log = LoggerFactory.getLogger(SledClient.class);

  private static final int MAX_ERROR_TEXT = 500;

  private SledWireFormat() {}

  static <T> Answer<T> answer(HttpResponse<byte[]> response, Function<byte[], T> parse) {
    int status = response.statusCode();
    if (status / 100 != 2) {
      return rejected(status, response.body());
    }
    try {
      return new Answer<>(parse.apply(response.body()), status, null, null);
    } catch (MalformedAnswerException e) {
      return Answer.failed(status, null, "malformed answer: " + e.getMessage());
    }
  }

  /**
   * A non-2xx answer, read from dropshot's error body {@code {"request_id", "error_code"?,
   * "message"}} when the sled sent one: {@code HTTP 409 CONFIG_GENERATION: <message>}, or {@code
   * HTTP 404 Not Found} without a code.
   */
  private static <T> Answer<T> rejected(int status, byte[] body) {
    String errorCode = null;
    String message = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode error = Json.MAPPER.readTree(body);
      if (error != null && error.path("message").isTextual()) {
        errorCode = error.path("error_code").isTextual() ? error.path("error_code").asText() : null;
        message = (errorCode == null ? "" : errorCode + ": ") + error.path("message").asText();
      }
    } catch (IOException e) {
      // Not JSON: the text itself is the best description.
    }
    String text =
        message.length() > MAX_ERROR_TEXT ? message.substring(0, MAX_ERROR_TEXT) + "..." : message;
    return Answer.failed(
        status, errorCode, "HTTP " + status + (text.isBlank() ? "" : " " + text.strip()));
  }

  static Listing listing(String sledId, byte[] body) {
    JsonNode root = tree(body);
    JsonNode list = root.path("list");
    JsonNode generation = root.path("generation");
    if (!generation.isIntegralNumber() || !generation.canConvertToLong() || !list.isObject()) {
      throw new MalformedAnswerException(
          "expected {\"generation\": G, \"list\": {sha256: copies}}");
    }
    Map<String, Integer> copies = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : list.properties()) {
      if (LocalDepot.SHA256.matcher(field.getKey()).matches()
          && field.getValue().canConvertToInt()) {
        copies.put(field.getKey(), field.getValue().asInt());
      } else {
        log.warn(
            "sled {} listed a bogus artifact {}: {}; ignored",
            sledId,
            field.getKey(),
            field.getValue());
      }
    }
    return new Listing(generation.asLong(), copies);
  }

  static Config config(byte[] body) {
    JsonNode root = tree(body);
    JsonNode artifacts = root.path("artifacts");
    if (!root.path("generation").isIntegralNumber() || !artifacts.isArray()) {
      throw new MalformedAnswerException(
          "expected {\"generation\": G, \"artifacts\": [sha256...]}");
    }
    List<String> hashes = new ArrayList<>();
    artifacts.forEach(hash -> hashes.add(hash.asText()));
    return new Config(root.path("generation").asLong(), hashes);
  }

  static SledClient.CopyStatus copyStatus(byte[] body) {
    JsonNode root = tree(body);
    JsonNode state = root.path("state");
    if (!state.isTextual() || !List.of("copying", "succeeded", "failed").contains(state.asText())) {
      throw new MalformedAnswerException(
          "expected {\"state\": \"copying\" | \"succeeded\" | \"failed\", \"error\": ...}");
    }
    JsonNode error = root.path("error");
    return new SledClient.CopyStatus(
        state.asText(), error.isTextual() ? StoredText.printable(error.asText()) : null);
  }

  private static JsonNode tree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedAnswerException("not JSON: " + e.getMessage());
    }
  }

  static byte[] json(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }

  private static final class MalformedAnswerException extends RuntimeException {
    MalformedAnswerException(String message) {
      super(message);
    }
  }
}

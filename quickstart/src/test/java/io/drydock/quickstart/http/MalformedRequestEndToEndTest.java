package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each class of malformed request a fuzz of the quick start once answered with a 500 (or a 501,
 * 505, or an empty 406): now a 4xx in the envelope of its path (Clair's under {@code /indexer/},
 * OCI's elsewhere) that says what was wrong, and nothing stored. The requests go over a plain
 * socket ({@link RawHttp}) because the JDK's client refuses to send most of them.
 */
class MalformedRequestEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NO_TOKEN = null;

  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  static Stream<Arguments> malformedEscapes() {
    return Stream.of(
        Arguments.of(
            "PUT",
            "/gitlab/v1/import/tools/busybox/?import_type=%ff",
            true,
            "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of(
            "DELETE",
            "/gitlab/v1/import/tools/busybox/?force=%",
            true,
            "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("GET", "/actuator/health?x=%zz", false, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("GET", "/x;a%zz", false, "BAD_REQUEST"),
        Arguments.of("GET", "/x;a%zz", true, "BAD_REQUEST"),
        // Tomcat refuses a malformed escape in the path itself, before any filter, and cannot say
        // which part failed.
        Arguments.of(
            "PUT", "/gitlab/v1/import/tools/bu%zzsybox/?import_type=pre", true, "BAD_REQUEST"),
        Arguments.of(
            "PUT", "/gitlab/v1/import/tools/busybox;v=%zz/?import_type=pre", true, "NAME_INVALID"),
        Arguments.of(
            "GET", "/api/v1/scan-status?repository=%C3%28", true, "INVALID_QUERY_PARAMETER_VALUE"),
        Arguments.of("GET", "/indexer/api/v1/index_state?x=%zz", true, "bad-request"),
        Arguments.of(
            "POST", "/indexer/api/v1/internal/affected_manifest/?x=%zz", true, "bad-request"));
  }

  @ParameterizedTest(name = "{0} {1}, token: {2}")
  @MethodSource("malformedEscapes")
  void aMalformedPercentEscapeAnswers400(String method, String target, boolean token, String code) {
    long rows = stack.repositoryRows();
    RawHttp.Response answer =
        send(method, target, "HTTP/1.1", token ? stack.operatorToken() : NO_TOKEN, Map.of(), "");

    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(code(target, answer)).isEqualTo(code);
    assertThat(message(target, answer)).isNotBlank();
    assertThat(stack.repositoryRows()).isEqualTo(rows);
  }

  static Stream<Arguments> acceptHeaders() {
    List<Arguments> cases = new ArrayList<>();
    for (String accept :
        List.of(
            "garbage///",
            "application/json;q=abc",
            "text/html",
            "application/vnd.clair.index_report.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "image/png")) {
      for (String target :
          List.of(
              "/gitlab/v1/import/demo/alpine/",
              "/api/v1/scan-status?limit=1",
              "/api/v1/sleds",
              "/api/v1/replication",
              "/actuator/health",
              "/indexer/api/v1/index_state",
              "/no/such/endpoint")) {
        cases.add(Arguments.of(accept, target));
      }
    }
    return cases.stream();
  }

  /**
   * GitLab's registry answers its JSON API whatever {@code Accept} says, and so do the import,
   * operator, rescan and replication APIs (RFC 9110, section 12.5.1, lets a server disregard it);
   * Clair's indexer API negotiates as Clair does (415 for no common type, 400 for a malformed one:
   * ClairIndexerHttpEndToEndTest).
   */
  @ParameterizedTest(name = "Accept: {0} on {1}")
  @MethodSource("acceptHeaders")
  void anAcceptHeaderNeverAnswers5xxAndNeverAnEmptyBody(String accept, String target) {
    RawHttp.Response answer =
        send("GET", target, "HTTP/1.1", stack.operatorToken(), Map.of("Accept", accept), "");

    assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
    assertThat(json(answer.body())).as("a JSON body: " + answer.body()).isNotNull();
    if (!target.startsWith("/actuator/")
        && !target.startsWith("/indexer/")
        && !target.startsWith("/no/")) {
      assertThat(answer.status()).as("Accept is disregarded").isIn(200, 404);
    }
    if (answer.status() == 406) {
      assertThat(code(target, answer)).isIn("NOT_ACCEPTABLE", "not-acceptable");
    }
    if (answer.status() == 415) {
      assertThat(code(target, answer)).isEqualTo("unsupported-media-type");
    }
  }

  static Stream<Arguments> unreadableBodies() {
    return Stream.of(
        Arguments.of("application/json", "{", 400, "BAD_REQUEST"),
        Arguments.of("application/json", "[]", 400, "BAD_REQUEST"),
        Arguments.of("application/json", "{\"concurrency\":\"x\"}", 400, "BAD_REQUEST"),
        Arguments.of("application/json", "{\"concurrency\":99999999999}", 400, "BAD_REQUEST"),
        Arguments.of("application/json", "[".repeat(5000), 400, "BAD_REQUEST"),
        Arguments.of(null, "{\"concurrency\":2}", 415, "UNSUPPORTED_MEDIA_TYPE"),
        Arguments.of("application/xml", "<rescan/>", 415, "UNSUPPORTED_MEDIA_TYPE"),
        Arguments.of("multipart/form-data", "--x\r\n\r\n", 415, "UNSUPPORTED_MEDIA_TYPE"),
        Arguments.of(
            "multipart/form-data; boundary=x", "--x\r\nbroken", 415, "UNSUPPORTED_MEDIA_TYPE"),
        Arguments.of("application/json; charset=x-nope", "{}", 415, "UNSUPPORTED_MEDIA_TYPE"));
  }

  @ParameterizedTest(name = "POST /api/v1/rescans, Content-Type {0}: {1}")
  @MethodSource("unreadableBodies")
  void aBodyThatDoesNotBindStartsNoRescan(
      String contentType, String body, int status, String code) {
    Map<String, String> headers =
        contentType == null ? Map.of() : Map.of("Content-Type", contentType);
    RawHttp.Response answer =
        send("POST", "/api/v1/rescans", "HTTP/1.1", stack.operatorToken(), headers, body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(code("/api/v1/rescans", answer)).isEqualTo(code);
    assertThat(message("/api/v1/rescans", answer)).isNotBlank();
  }

  /**
   * A form body on PUT or DELETE was parsed by Spring's form content filter before any handler ran,
   * and a bad escape or charset in it answered 500. No endpoint reads a form; GitLab's import
   * handler reads no body at all, so the body is ignored and the request answers from its path and
   * query (here: a repository in no storage).
   */
  static Stream<Arguments> formBodies() {
    return Stream.of(
        Arguments.of("PUT", "application/x-www-form-urlencoded", "import_type=%zz"),
        Arguments.of("PUT", "application/x-www-form-urlencoded", "%"),
        Arguments.of("PUT", "application/x-www-form-urlencoded; charset=x-nope", "a=b"),
        Arguments.of("DELETE", "application/x-www-form-urlencoded", "force=%C3%28%zz"),
        Arguments.of("DELETE", "application/x-www-form-urlencoded; charset=x-nope", "force=true"));
  }

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @MethodSource("formBodies")
  void aFormBodyIsIgnoredAndNeverAnswers500(String method, String contentType, String body) {
    String path =
        "/gitlab/v1/import/form/absent/" + (method.equals("PUT") ? "?import_type=pre" : "");
    RawHttp.Response answer =
        send(
            method,
            path,
            "HTTP/1.1",
            stack.operatorToken(),
            Map.of("Content-Type", contentType),
            body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(404);
    assertThat(code(path, answer)).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void aSledRegistrationInAnUnknownCharsetRegistersNothing() {
    RawHttp.Response answer =
        send(
            "PUT",
            "/api/v1/sleds/charset-test",
            "HTTP/1.1",
            stack.operatorToken(),
            Map.of("Content-Type", "application/json; charset=x-nope"),
            "{\"base_url\":\"http://127.0.0.1:1\"}");

    assertThat(answer.status()).as(answer.body()).isEqualTo(415);
    assertThat(message("/api/v1/sleds", answer)).contains("x-nope");
    assertThat(stack.request("GET", "/api/v1/sleds").body()).doesNotContain("charset-test");
  }

  @ParameterizedTest(name = "limit={0}")
  @MethodSource("wrongLimits")
  void aQueryParameterOfTheWrongTypeAnswers400(String limit) {
    RawHttp.Response answer =
        send(
            "GET",
            "/api/v1/scan-status?limit=" + limit,
            "HTTP/1.1",
            stack.operatorToken(),
            Map.of(),
            "");

    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(code("/api/v1/scan-status", answer)).isEqualTo("INVALID_QUERY_PARAMETER_VALUE");
    assertThat(message("/api/v1/scan-status", answer)).isEqualTo("limit must be an integer");
  }

  static Stream<String> wrongLimits() {
    return Stream.of("abc", "1.5", "NaN", "1e3", "2147483648");
  }

  /**
   * Tomcat refuses a transfer coding it does not know with 501 before anything else runs; on paths
   * the firewall or the escape filter would refuse too (a doubled slash, an escaped non-ASCII
   * character) the valve must still answer 400.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "//indexer/api/%C3%A9/index_state",
        "/indexer/api/%C3%A9/x",
        "//x",
        "/%C3%A9",
        "/%zz"
      })
  void anUnknownTransferCodingOnAnyPathAnswers400(String target) {
    RawHttp.Response answer =
        send(
            "GET",
            target,
            "HTTP/1.1",
            stack.operatorToken(),
            Map.of("Transfer-Encoding", "gzip"),
            "");

    assertThat(answer.status()).as(answer.head() + answer.body()).isEqualTo(400);
    assertThat(answer.head().toLowerCase(Locale.ROOT)).contains("content-type: application/json");
  }

  static Stream<Arguments> methodsAndProtocols() {
    return Stream.of(
        Arguments.of("CONNECT", "HTTP/1.1", Map.of(), 405, "UNSUPPORTED"),
        Arguments.of("PROPFIND", "HTTP/1.1", Map.of(), 405, "UNSUPPORTED"),
        Arguments.of("FOO", "HTTP/1.1", Map.of(), 405, "UNSUPPORTED"),
        Arguments.of("TRACE", "HTTP/1.1", Map.of(), 405, "UNSUPPORTED"),
        Arguments.of("GET", "HTTP/2.0", Map.of(), 400, "BAD_REQUEST"),
        Arguments.of("GET", "HTTP/1.2", Map.of(), 400, "BAD_REQUEST"),
        Arguments.of("GET", "HTTP/1.1", Map.of("Transfer-Encoding", "gzip"), 400, "BAD_REQUEST"));
  }

  @ParameterizedTest(name = "{0} ... {1} {2}")
  @MethodSource("methodsAndProtocols")
  void anUnsupportedMethodOrProtocolAnswers4xxInTheEnvelope(
      String method, String protocol, Map<String, String> headers, int status, String code) {
    for (String target : List.of("/api/v1/scan-status", "/indexer/api/v1/index_state")) {
      RawHttp.Response answer = send(method, target, protocol, stack.operatorToken(), headers, "");

      assertThat(answer.status())
          .as(target + ": " + answer.head() + answer.body())
          .isEqualTo(status);
      String expected =
          target.startsWith("/indexer/")
              ? (status == 405 ? "method-not-allowed" : "bad-request")
              : code;
      assertThat(code(target, answer)).isEqualTo(expected);
    }
  }

  private static RawHttp.Response send(
      String method,
      String target,
      String protocol,
      String token,
      Map<String, String> headers,
      String body) {
    List<Map.Entry<String, String>> all = new ArrayList<>(headers.entrySet());
    if (token != null) {
      all.add(Map.entry("Authorization", "Bearer " + token));
    }
    RawHttp.Response answer =
        RawHttp.send(
            stack.port(),
            method,
            target,
            protocol,
            all,
            body.getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(30));
    assertThat(answer.outcome()).as(answer.head()).isEqualTo(RawHttp.Outcome.ANSWERED);
    return answer;
  }

  /**
   * The error code of the envelope the path answers in: Clair's {@code code} or the OCI {@code
   * errors[0].code}.
   */
  private static String code(String target, RawHttp.Response answer) {
    return error(target, answer).path("code").asText();
  }

  private static String message(String target, RawHttp.Response answer) {
    return error(target, answer).path("message").asText();
  }

  private static JsonNode error(String target, RawHttp.Response answer) {
    JsonNode body = json(answer.body());
    assertThat(body).as("a JSON body: " + answer.body()).isNotNull();
    return target.startsWith("/indexer/") ? body : body.path("errors").path(0);
  }

  private static JsonNode json(String body) {
    try {
      return body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}

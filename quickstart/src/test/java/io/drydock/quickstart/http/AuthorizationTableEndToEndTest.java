package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.quickstart.DrydockStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the authorization table: each row's paths, with every method and every kind of
 * token, answer 401 (no valid token, or {@code insufficient_scope}: a valid one without the access)
 * or are let through (any answer but 401) as the table says. Each path is one that changes nothing
 * when let through: an unknown id or name, an invalid body or query, or a method the endpoint does
 * not have.
 */
class AuthorizationTableEndToEndTest {
  /**
   * TRACE is left out: the firewall refuses it before authentication runs, as it does every method
   * not listed.
   */
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private static final Set<String> ANY = Set.copyOf(METHODS);
  private static final Set<String> READS = Set.of("GET", "HEAD");
  private static final Set<String> CHANGES = Set.of("POST", "PUT", "DELETE", "PATCH");

  /**
   * Sent with every method that changes things; no endpoint accepts it (a rescan's concurrency is 1
   * or more).
   */
  private static final String INVALID_BODY = "{\"concurrency\":0}";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static DrydockStack stack;

  enum Needs {
    NOTHING,
    ANY_VALID_TOKEN,
    IMPORT,
    /** The action {@code *}, or Clair's intra-service token. */
    IMPORT_OR_CLAIR_PSK,
    OPERATOR,
    REFUSED
  }

  record Row(String paths, Set<String> methods, Needs needs, List<String> probes) {}

  /**
   * The table in docs/authentication.md, row by row, with the paths each row is probed at. A path
   * and method no row lists fall to the last row.
   */
  private static final List<Row> TABLE =
      List.of(
          new Row(
              "/actuator/health, /actuator/health/**",
              ANY,
              Needs.NOTHING,
              List.of("/actuator/health", "/actuator/health/liveness")),
          new Row(
              "/actuator/prometheus", Set.of("GET"), Needs.IMPORT, List.of("/actuator/prometheus")),
          new Row(
              "/v3/api-docs, /v3/api-docs/**, /v3/api-docs.yaml, /swagger-ui.html, /swagger-ui/** (OpenAPI)",
              Set.of("GET"),
              Needs.NOTHING,
              List.of("/v3/api-docs", "/v3/api-docs.yaml", "/swagger-ui.html")),
          new Row(
              "/gitlab/v1/ (compliance check)",
              READS,
              Needs.ANY_VALID_TOKEN,
              List.of("/gitlab/v1/")),
          new Row(
              "/gitlab/v1/**",
              ANY,
              Needs.IMPORT,
              List.of("/gitlab/v1/", "/gitlab/v1/import/auth/table-probe/")),
          new Row(
              "/indexer/**",
              ANY,
              Needs.IMPORT_OR_CLAIR_PSK,
              List.of(
                  "/indexer/api/v1/index_report",
                  "/indexer/api/v1/index_report/not-a-digest",
                  "/indexer/api/v1/internal/affected_manifest/",
                  "/indexer/api/v1/index_state",
                  "/indexer/api/v1/unknown")),
          new Row(
              "/api/v1/rescans, /api/v1/rescans/*, /api/v1/scan-status",
              ANY,
              Needs.IMPORT,
              List.of(
                  "/api/v1/rescans", "/api/v1/rescans/not-a-uuid", "/api/v1/scan-status?limit=0")),
          new Row(
              "/api/v1/artifact-repositories/**, /api/v1/sleds/**, /api/v1/replication/**",
              READS,
              Needs.IMPORT,
              operatedProbes()),
          new Row(
              "/api/v1/artifact-repositories/**, /api/v1/sleds/**, /api/v1/replication/**",
              CHANGES,
              Needs.OPERATOR,
              operatedProbes()),
          new Row(
              "/api/v1/operator/**",
              ANY,
              Needs.OPERATOR,
              List.of(
                  "/api/v1/operator/imports/auth/table-probe/frob",
                  "/api/v1/operator/rescans/not-a-uuid/frob")),
          new Row(
              "anything else",
              ANY,
              Needs.REFUSED,
              List.of(
                  "/",
                  "/v2/",
                  "/api/v1/unknown",
                  "/api/v1/rescans/not-a-uuid/more",
                  "/actuator/info",
                  "/.well-known/oauth-protected-resource")));

  enum TokenKind {
    NONE(null),
    IMPORT(List.of(access("registry", "import", "*"))),
    OPERATOR(List.of(access("registry", "import", "operator"))),
    BOTH(List.of(access("registry", "import", "*", "operator"))),
    OTHER_NAME_OR_TYPE(
        List.of(
            access("registry", "other/repo", "*", "operator"),
            access("repository", "import", "*", "operator"))),
    /** Signed as Clair's services sign their requests to each other: no access claim at all. */
    CLAIR_PSK(null);

    private final List<Map<String, Object>> access;

    TokenKind(List<Map<String, Object>> access) {
      this.access = access;
    }

    Optional<String> authorization() {
      if (this == CLAIR_PSK) {
        return Optional.of(ClairTokens.authorization(ClairTokens.INTRASERVICE));
      }
      return access == null
          ? Optional.empty()
          : Optional.of("Bearer " + DrydockStack.registryToken(access));
    }
  }

  enum Answer {
    LET_THROUGH,
    UNAUTHORIZED,
    DENIED
  }

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  /**
   * Every path probed, with every method and token kind, and what the row that applies to them
   * expects.
   */
  static Stream<Arguments> cells() {
    Row anythingElse = TABLE.get(TABLE.size() - 1);
    List<Arguments> cells = new ArrayList<>();
    for (String path : TABLE.stream().flatMap(row -> row.probes().stream()).distinct().toList()) {
      for (String method : METHODS) {
        Row applying =
            TABLE.stream()
                .filter(row -> row.probes().contains(path) && row.methods().contains(method))
                .findFirst()
                .orElse(anythingElse);
        for (TokenKind token : TokenKind.values()) {
          cells.add(
              Arguments.of(
                  applying.paths(), method, path, token, expected(applying.needs(), token)));
        }
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{1} {2} ({0}) with {3}: {4}")
  @MethodSource("cells")
  void eachCellAnswersAsTheTableSays(
      String row, String method, String path, TokenKind token, Answer expected) {
    HttpResponse<String> response = send(method, path, token.authorization());

    switch (expected) {
      case UNAUTHORIZED -> assertRefused(response, 401, "UNAUTHORIZED");
      case DENIED -> {
        assertRefused(response, 401, "UNAUTHORIZED");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(
                challenge -> assertThat(challenge).contains("error=\"insufficient_scope\""));
      }
      case LET_THROUGH ->
          assertThat(response.statusCode()).as(response.body()).isNotIn(401, 403).isLessThan(500);
    }
  }

  private static Answer expected(Needs needs, TokenKind token) {
    return switch (needs) {
      // Any token is authenticated where it is sent, and a PSK token is not one off /indexer/, even
      // on the health check.
      case NOTHING -> token == TokenKind.CLAIR_PSK ? Answer.UNAUTHORIZED : Answer.LET_THROUGH;
      case ANY_VALID_TOKEN -> unauthenticated(token) ? Answer.UNAUTHORIZED : Answer.LET_THROUGH;
      case IMPORT -> grants(token, TokenKind.IMPORT);
      case IMPORT_OR_CLAIR_PSK ->
          token == TokenKind.CLAIR_PSK ? Answer.LET_THROUGH : grants(token, TokenKind.IMPORT);
      case OPERATOR -> grants(token, TokenKind.OPERATOR);
      case REFUSED -> unauthenticated(token) ? Answer.UNAUTHORIZED : Answer.DENIED;
    };
  }

  /**
   * No token, or a PSK token off {@code /indexer/}, where it is checked as a registry token and is
   * not one.
   */
  private static boolean unauthenticated(TokenKind token) {
    return token == TokenKind.NONE || token == TokenKind.CLAIR_PSK;
  }

  private static Answer grants(TokenKind token, TokenKind needed) {
    if (unauthenticated(token)) {
      return Answer.UNAUTHORIZED;
    }
    return token == needed || token == TokenKind.BOTH ? Answer.LET_THROUGH : Answer.DENIED;
  }

  private static void assertRefused(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge -> assertThat(challenge).startsWith("Bearer realm=\"drydock\""));
    if (response.request().method().equals("HEAD")) {
      return;
    }
    if (response.uri().getPath().startsWith("/indexer/")) {
      // Clair's envelope, {"code","message"}, with Clair's kebab-case codes.
      assertThat(DrydockStack.json(response).path("code").asText())
          .isEqualTo(code.toLowerCase(Locale.ROOT));
    } else {
      assertThat(DrydockStack.errorCode(response)).isEqualTo(code);
    }
  }

  /**
   * Artifact replication's paths: GET and HEAD read, the other methods fail on the id, the body or
   * the route.
   */
  private static List<String> operatedProbes() {
    return List.of(
        "/api/v1/artifact-repositories",
        "/api/v1/artifact-repositories/not-a-repository-id",
        "/api/v1/sleds",
        "/api/v1/sleds/table-probe",
        "/api/v1/sleds/table-probe/expunge",
        "/api/v1/sleds/inventory?limit=0",
        "/api/v1/replication",
        "/api/v1/replication/frob");
  }

  private static Map<String, Object> access(String type, String name, String... actions) {
    return Map.of("type", type, "name", name, "actions", List.of(actions));
  }

  private static HttpResponse<String> send(
      String method, String path, Optional<String> authorization) {
    boolean withBody = CHANGES.contains(method);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl + path))
            .method(
                method,
                withBody
                    ? HttpRequest.BodyPublishers.ofString(INVALID_BODY)
                    : HttpRequest.BodyPublishers.noBody());
    if (withBody) {
      request.header("Content-Type", "application/json");
    }
    authorization.ifPresent(value -> request.header("Authorization", value));
    return DrydockStack.send(HTTP, request.build());
  }
}

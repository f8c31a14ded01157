package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DevTokens;
import io.drydock.quickstart.DrydockStack;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bearer tokens as GitLab issues them for the registry: no valid token, and a valid token without
 * the access an endpoint needs, both answer 401 {@code UNAUTHORIZED} in the OCI envelope (the
 * second with {@code error="insufficient_scope"}), and neither changes anything.
 */
class AuthenticationEndToEndTest {
  /**
   * In the legacy storage, so a request that got through would claim it; no other test touches it.
   */
  private static final String REPOSITORY = "auth/untouched";

  private static final String START = "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre";

  /** Imported by the one test that shows a valid token gets through. */
  private static final String ACCEPTED_REPOSITORY = "auth/accepted";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, REPOSITORY, 1, 1);
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, ACCEPTED_REPOSITORY, 1, 1);
  }

  static Stream<Arguments> unauthenticated() {
    return Stream.of(
        Arguments.of("no Authorization header", Optional.empty(), "no bearer token"),
        Arguments.of(
            "another scheme", Optional.of("Basic ZHJ5ZG9jazpzZWNyZXQ="), "no bearer token"),
        Arguments.of("not a JWT", bearer("not-a-jwt"), "Malformed token"),
        Arguments.of("not a bearer token", bearer("two words"), "Bearer token is malformed"),
        Arguments.of(
            "signed with another secret",
            bearer(DevTokens.sign("another-secret-of-at-least-32-bytes!", claims(c -> c))),
            "Invalid signature"),
        Arguments.of(
            "expired",
            bearer(
                token(
                    claims(
                        c ->
                            c.issueTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
                                .notBeforeTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
                                .expirationTime(
                                    Date.from(Instant.now().minus(Duration.ofHours(1))))))),
            "expired"),
        Arguments.of(
            "not yet valid",
            bearer(
                token(
                    claims(
                        c -> c.notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))))),
            "used before"),
        Arguments.of(
            "without exp", bearer(token(claims(c -> c.expirationTime(null)))), "exp is required"),
        Arguments.of(
            "nbf beyond the end of year 9999, which Nimbus overflowed into 1969",
            bearer(token(claims(c -> c.claim("nbf", new BigInteger("100000000000000000000"))))),
            "nbf is out of range"),
        Arguments.of(
            "alg none",
            bearer(new PlainJWT(claims(c -> c)).serialize()),
            "Unsupported algorithm of none"),
        Arguments.of(
            "HS512, an algorithm not accepted",
            bearer(
                signed(
                    JWSAlgorithm.HS512,
                    "a-secret-long-enough-for-hs512-".repeat(3),
                    claims(c -> c))),
            "Another algorithm expected"),
        Arguments.of(
            "without the access claim",
            bearer(token(claims(c -> c.claim("access", null)))),
            "access"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unauthenticated")
  void noValidTokenAnswers401AndChangesNothing(
      String why, Optional<String> authorization, String detail) {
    long rowsBefore = stack.repositoryRows();

    HttpResponse<String> response = stack.request("PUT", START, authorization);

    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode error = error(response);
    assertThat(error.path("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.path("detail").asText()).containsIgnoringCase(detail);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge -> assertThat(challenge).startsWith("Bearer realm=\"drydock\""));
    assertUnchanged(rowsBefore);
  }

  @Test
  void aRejectedTokenIsNamedInTheChallenge() {
    HttpResponse<String> response =
        stack.request("GET", "/gitlab/v1/import/demo/debian/", bearer("not-a-jwt"));

    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(challenge -> assertThat(challenge).contains("error=\"invalid_token\""));
  }

  static Stream<Arguments> challenged() {
    return Stream.of(
        Arguments.of("no token", Optional.empty(), 401),
        Arguments.of("a token that does not verify", bearer("not-a-jwt"), 401),
        Arguments.of(
            "a token without the access",
            bearer(token(claims(c -> c.claim("access", List.of())))),
            401));
  }

  /**
   * Spring Security's resource server linked every 401 to RFC 9728 metadata at a URL built from the
   * request's Host header, so any client could make the answer name any host.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("challenged")
  void theChallengeNamesNoHostFromTheRequest(String why, Optional<String> authorization, int status)
      throws IOException {
    String answer =
        rawRequest("/gitlab/v1/import/" + REPOSITORY + "/", "evil.example", authorization);

    assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
    assertThat(answer).containsIgnoringCase("\nWWW-Authenticate: Bearer realm=\"drydock\"");
    assertThat(answer).doesNotContain("evil.example").doesNotContain("resource_metadata");
  }

  @Test
  void noProtectedResourceMetadataIsServed() {
    String metadata = "/.well-known/oauth-protected-resource";
    String both =
        token(
            claims(c -> c.claim("access", List.of(access("registry", "import", "*", "operator")))));

    assertThat(stack.request("GET", metadata, Optional.empty()).statusCode()).isEqualTo(401);
    assertThat(stack.request("GET", metadata, bearer(both)).statusCode()).isEqualTo(401);
  }

  static Stream<Arguments> insufficientAccess() {
    return Stream.of(
        Arguments.of(
            "access to another repository", "PUT", START, access("registry", "other/repo", "*")),
        Arguments.of("another type", "PUT", START, access("repository", "import", "*")),
        Arguments.of(
            "operator access only", "PUT", START, access("registry", "import", "operator")),
        Arguments.of(
            "import access on an operator endpoint",
            "GET",
            "/api/v1/operator/jobs",
            access("registry", "import", "*")),
        Arguments.of(
            "a path no rule opens", "GET", "/v2/", access("registry", "import", "*", "operator")));
  }

  /**
   * 401 with {@code error="insufficient_scope"}, as GitLab's registry answers (distribution's token
   * authentication, registry/handlers/app.go: every {@code auth.Challenge} is served as {@code
   * UNAUTHORIZED}), not RFC 6750's 403: GitLab Rails maps 401 and takes 403 as an error that aborts
   * the import (gitlabhq/gitlabhq lib/container_registry/gitlab_api_client.rb @2b2d833,
   * IMPORT_RESPONSES, lines 7-16).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("insufficientAccess")
  void aValidTokenWithoutTheAccessAnswers401InsufficientScopeAndChangesNothing(
      String why, String method, String path, Map<String, Object> access) {
    long rowsBefore = stack.repositoryRows();

    HttpResponse<String> response =
        stack.request(method, path, bearer(token(claims(c -> c.claim("access", List.of(access))))));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).path("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge -> assertThat(challenge).contains("error=\"insufficient_scope\""));
    assertUnchanged(rowsBefore);
  }

  @Test
  void importAccessAloneReachesTheImportApi() {
    HttpResponse<String> response =
        stack.request(
            "GET", "/gitlab/v1/import/" + REPOSITORY + "/", bearer(token(claims(c -> c))));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response).path("code").asText()).isEqualTo("NAME_UNKNOWN");
  }

  @Test
  void operatorAccessReachesOperatorEndpoints() {
    HttpResponse<String> response =
        stack.request(
            "GET",
            "/api/v1/operator/jobs",
            bearer(
                token(
                    claims(
                        c ->
                            c.claim(
                                "access",
                                List.of(access("registry", "import", "*", "operator")))))));

    assertThat(response.statusCode()).isNotIn(401, 403);
  }

  @Test
  void gitLabsKeyIdHeaderDoesNotMatter() {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.HS256)
            .type(JOSEObjectType.JWT)
            .keyID("ABCD:EFGH")
            .build();

    HttpResponse<String> response =
        stack.request(
            "GET",
            "/gitlab/v1/import/" + REPOSITORY + "/",
            bearer(signed(header, DrydockStack.TOKEN_SECRET, claims(c -> c))));

    assertThat(response.statusCode()).isEqualTo(404);
  }

  /**
   * Clair's services read Clair's envelope, {@code {"code","message"}}, so the indexer API refuses
   * in it too.
   */
  @Test
  void refusalsUnderTheIndexerApiAreInClairsEnvelope() throws IOException {
    HttpResponse<String> noToken =
        stack.request("GET", "/indexer/api/v1/index_state", Optional.empty());
    HttpResponse<String> noAccess =
        stack.request(
            "GET",
            "/indexer/api/v1/index_state",
            bearer(token(claims(c -> c.claim("access", List.of())))));

    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noToken.body()).path("code").asText()).isEqualTo("unauthorized");
    assertThat(JSON.readTree(noToken.body()).path("message").asText())
        .isEqualTo("authentication required");
    assertThat(noAccess.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noAccess.body()).path("code").asText()).isEqualTo("unauthorized");
  }

  @Test
  void healthNeedsNoToken() {
    assertThat(stack.request("GET", "/actuator/health", Optional.empty()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anyOtherPathNeedsAToken() {
    HttpResponse<String> response = stack.request("GET", "/v2/", Optional.empty());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).path("code").asText()).isEqualTo("UNAUTHORIZED");
  }

  /**
   * The firewall refuses these before authentication runs; they answer as the handlers would, in
   * the envelope.
   */
  @Test
  void requestsTheFirewallRefusesAnswerInTheEnvelope() {
    HttpResponse<String> traversal =
        stack.request("PUT", "/gitlab/v1/import/../x/?import_type=pre", Optional.empty());
    assertThat(traversal.statusCode()).isEqualTo(400);
    assertThat(error(traversal).path("code").asText()).isEqualTo("NAME_INVALID");

    HttpResponse<String> elsewhere = stack.request("GET", "/actuator/../v2/", Optional.empty());
    assertThat(elsewhere.statusCode()).isEqualTo(400);
    assertThat(error(elsewhere).path("code").asText()).isEqualTo("BAD_REQUEST");

    HttpResponse<String> method =
        stack.request("FROB", "/gitlab/v1/import/demo/debian/", Optional.empty());
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(error(method).path("code").asText()).isEqualTo("UNSUPPORTED");
  }

  @Test
  void aValidImportTokenStartsAPreImport() {
    HttpResponse<String> response =
        stack.request(
            "PUT",
            "/gitlab/v1/import/" + ACCEPTED_REPOSITORY + "/?import_type=pre",
            bearer(token(claims(c -> c))));

    assertThat(response.statusCode()).isEqualTo(202);
  }

  private static void assertUnchanged(long rowsBefore) {
    assertThat(stack.repositoryRows()).isEqualTo(rowsBefore);
    assertThat(
            stack
                .database
                .sql("SELECT count(*) FROM repositories WHERE path = ?")
                .param(REPOSITORY)
                .query(Long.class)
                .single())
        .isZero();
  }

  /**
   * A token as GitLab issues it for the import API, valid for an hour, changed by {@code change}.
   */
  private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("gitlab-issuer")
            .audience("container_registry")
            .subject("root")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .jwtID(UUID.randomUUID().toString())
            .claim("access", List.of(access("registry", "import", "*")));
    return change.apply(claims).build();
  }

  private static Map<String, Object> access(String type, String name, String... actions) {
    return Map.of("type", type, "name", name, "actions", List.of(actions));
  }

  private static String token(JWTClaimsSet claims) {
    return DevTokens.sign(DrydockStack.TOKEN_SECRET, claims);
  }

  private static String signed(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) {
    return signed(new JWSHeader(algorithm), secret, claims);
  }

  private static String signed(JWSHeader header, String secret, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /**
   * A request as any client can send it, with a Host header of its choosing; the answer's status
   * line and headers.
   */
  private static String rawRequest(String path, String host, Optional<String> authorization)
      throws IOException {
    URI server = URI.create(stack.baseUrl);
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nConnection: close\r\n"
              + authorization.map(value -> "Authorization: " + value + "\r\n").orElse("")
              + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return answer.substring(0, answer.indexOf("\r\n\r\n"));
    }
  }

  private static Optional<String> bearer(String token) {
    return Optional.of("Bearer " + token);
  }

  private static JsonNode error(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).path("errors").path(0);
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }
}

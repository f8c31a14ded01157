package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.quickstart.DrydockStack;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code Accept} a Clair service or GitLab Rails can send, and every body {@code
 * Content-Type}, on every endpoint: never a 5xx, and every answer with a body is JSON in the
 * envelope of its path ({@code application/json}, or one of Clair's vendor types under {@code
 * /indexer/}). Each request changes nothing: an unknown digest, id or name, or a body the endpoint
 * refuses. The replication signals ({@code activate}, {@code pause}, {@code resume}) are probed
 * through an unknown signal instead: a real one would pause the shared stack's replication.
 */
class AcceptCombinationEndToEndTest {
  private static final String UNKNOWN_DIGEST = "sha256:" + "1".repeat(64);
  private static final List<String> CLAIR_TYPES =
      List.of(
          "application/vnd.clair.index_report.v1+json",
          "application/vnd.clair.index_state.v1+json",
          "application/vnd.clair.affected_manifests.v1+json");

  /** Null is no header at all. */
  private static final List<String> ACCEPTS =
      Stream.concat(
              Stream.of(null, "*/*", "application/json"),
              Stream.concat(
                  CLAIR_TYPES.stream(),
                  Stream.of(
                      "application/vnd.clair.index_report.v1+json, application/json;q=0.9",
                      "text/html",
                      "application/xml",
                      "foo",
                      "application/json;q=0")))
          .toList();

  private static final List<String> CONTENT_TYPES =
      Stream.concat(
              Stream.of(null, "application/json"),
              Stream.concat(
                  CLAIR_TYPES.stream(),
                  Stream.of(
                      "application/json; charset=utf-8",
                      "text/plain",
                      "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x")))
          .toList();

  private static DrydockStack stack;

  record Endpoint(String method, String path, String body) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** Every route of the API's controllers, at a path and with a body that change nothing. */
  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("GET", "/actuator/health", null),
          new Endpoint("GET", "/gitlab/v1/", null),
          new Endpoint("GET", "/gitlab/v1/import/accept/probe/", null),
          new Endpoint("PUT", "/gitlab/v1/import/accept/probe/?import_type=neither", null),
          new Endpoint("DELETE", "/gitlab/v1/import/accept/probe/", null),
          new Endpoint("POST", "/api/v1/operator/imports/accept/probe/frob", null),
          new Endpoint(
              "POST", "/indexer/api/v1/index_report", "{\"hash\":\"" + UNKNOWN_DIGEST + "\"}"),
          new Endpoint("GET", "/indexer/api/v1/index_report/" + UNKNOWN_DIGEST, null),
          new Endpoint("DELETE", "/indexer/api/v1/index_report/" + UNKNOWN_DIGEST, null),
          new Endpoint("DELETE", "/indexer/api/v1/index_report", "[\"" + UNKNOWN_DIGEST + "\"]"),
          new Endpoint("GET", "/indexer/api/v1/index_state", null),
          new Endpoint(
              "POST", "/indexer/api/v1/internal/affected_manifest/", "{\"vulnerabilities\":[]}"),
          new Endpoint("POST", "/api/v1/rescans", "{\"concurrency\":0}"),
          new Endpoint("GET", "/api/v1/rescans/not-a-uuid", null),
          new Endpoint("POST", "/api/v1/operator/rescans/not-a-uuid/pause", null),
          new Endpoint("GET", "/api/v1/scan-status?limit=1", null),
          new Endpoint("POST", "/api/v1/artifact-repositories", "{}"),
          new Endpoint("GET", "/api/v1/artifact-repositories", null),
          new Endpoint("GET", "/api/v1/artifact-repositories/not-a-repository-id", null),
          new Endpoint("DELETE", "/api/v1/artifact-repositories/not-a-repository-id", null),
          new Endpoint("GET", "/api/v1/sleds", null),
          new Endpoint("PUT", "/api/v1/sleds/accept-probe", "{}"),
          new Endpoint("POST", "/api/v1/sleds/accept-probe/expunge", null),
          new Endpoint("GET", "/api/v1/sleds/inventory?limit=0", null),
          new Endpoint("GET", "/api/v1/replication", null),
          new Endpoint("POST", "/api/v1/replication/frob", null));

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  static Stream<Arguments> combinations() {
    List<Arguments> combinations = new ArrayList<>();
    for (Endpoint endpoint : ENDPOINTS) {
      List<String> contentTypes =
          endpoint.body() == null ? Arrays.asList((String) null) : CONTENT_TYPES;
      for (String accept : ACCEPTS) {
        for (String contentType : contentTypes) {
          combinations.add(Arguments.of(endpoint, accept, contentType));
        }
      }
    }
    return combinations.stream();
  }

  @ParameterizedTest(name = "{0} Accept: {1} Content-Type: {2}")
  @MethodSource("combinations")
  void noCombinationAnswers5xxAndEveryBodyIsInItsPathsEnvelope(
      Endpoint endpoint, String accept, String contentType) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl + endpoint.path()))
            .header("Authorization", "Bearer " + stack.operatorToken())
            .method(
                endpoint.method(),
                endpoint.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(endpoint.body()));
    Optional.ofNullable(accept).ifPresent(value -> request.header("Accept", value));
    Optional.ofNullable(contentType).ifPresent(value -> request.header("Content-Type", value));

    HttpResponse<String> response = stack.send(request.build());

    assertThat(response.statusCode()).as(response.body()).isLessThan(500);
    if (response.body().isEmpty()) {
      return;
    }
    String answered = response.headers().firstValue("Content-Type").orElse("(none)");
    String type = answered.split(";")[0].strip();
    if (endpoint.path().startsWith("/indexer/")) {
      assertThat(type)
          .as(response.body())
          .isIn(Stream.concat(Stream.of("application/json"), CLAIR_TYPES.stream()).toList());
      assertThat(DrydockStack.json(response).isContainerNode()).isTrue();
      if (response.statusCode() >= 400) {
        assertThat(DrydockStack.json(response).path("code").isTextual())
            .as(response.body())
            .isTrue();
      }
    } else if (endpoint.path().startsWith("/actuator/")) {
      assertThat(type)
          .as(response.body())
          .isIn("application/json", "application/vnd.spring-boot.actuator.v3+json");
    } else {
      assertThat(type).as(response.body()).isEqualTo("application/json");
      if (response.statusCode() >= 400) {
        assertThat(DrydockStack.errorCode(response)).as(response.body()).isNotEmpty();
      }
    }
  }
}

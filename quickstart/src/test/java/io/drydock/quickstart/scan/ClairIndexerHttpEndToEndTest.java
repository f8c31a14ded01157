package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clair's indexer API answers with the media types, validators and headers Clair's server gives,
 * read from quay/clair at eb22407da3d3ee32534ed956be3696080754288d: {@code httptransport/common.go}
 * ({@code pickContentType}), {@code httptransport/indexer_v1.go} ({@code indexReport}, {@code
 * indexReportOne}, {@code indexState}, {@code affectedManifests}) and {@code
 * httptransport/server.go} ({@code unmodified}).
 */
class ClairIndexerHttpEndToEndTest {
  private static final String REPOSITORY = "clairhttp/alpine";
  private static final String INDEX_REPORT = "application/vnd.clair.index_report.v1+json";
  private static final String INDEX_STATE = "application/vnd.clair.index_state.v1+json";
  private static final String AFFECTED_MANIFESTS =
      "application/vnd.clair.affected_manifests.v1+json";
  private static final String JSON = "application/json";
  private static final String REPORT_RELATION =
      "rel=\"https://projectquay.io/clair/v1/index_report\"";

  private static DrydockStack stack;
  private static ScanTestClient client;
  private static String digest;
  private static String state;

  @BeforeAll
  static void indexAManifest() {
    stack = DrydockStack.shared();
    client = new ScanTestClient(stack.baseUrl);
    digest = client.importCopy(stack, "demo/alpine", REPOSITORY);
    state = ScannerSet.current().indexState();
    HttpResponse<String> indexed = client.indexReport(digest);
    assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
  }

  /** Accept as sent; the type Clair answers for each of the two GET endpoints, or its refusal. */
  /**
   * Accept as sent; the type Clair answers for each of the three endpoints that negotiate, or its
   * refusal.
   */
  static Stream<Arguments> acceptHeaders() {
    return Stream.of(
        Arguments.of(null, INDEX_STATE, INDEX_REPORT, AFFECTED_MANIFESTS),
        Arguments.of("*/*", INDEX_STATE, INDEX_REPORT, AFFECTED_MANIFESTS),
        Arguments.of("application/*", INDEX_STATE, INDEX_REPORT, AFFECTED_MANIFESTS),
        Arguments.of(JSON, JSON, JSON, JSON),
        Arguments.of(INDEX_REPORT, "415", INDEX_REPORT, "415"),
        Arguments.of(INDEX_STATE, INDEX_STATE, "415", "415"),
        Arguments.of(AFFECTED_MANIFESTS, "415", "415", AFFECTED_MANIFESTS),
        Arguments.of("APPLICATION/JSON; charset=utf-8", JSON, JSON, JSON),
        Arguments.of(INDEX_REPORT + ", application/json;q=0.9", JSON, INDEX_REPORT, JSON),
        Arguments.of("application/json;q=0.5, " + INDEX_REPORT, JSON, INDEX_REPORT, JSON),
        // q=0 only sorts last in Clair's algorithm: it is still chosen.
        Arguments.of("application/json;q=0", JSON, JSON, JSON),
        Arguments.of("text/html;q=1, application/json;q=0", JSON, JSON, JSON),
        Arguments.of("application/json;q=abc", JSON, JSON, JSON),
        Arguments.of("text/html", "415", "415", "415"),
        Arguments.of("application/xml", "415", "415", "415"),
        Arguments.of("foo", "400", "400", "400"),
        Arguments.of("application/json;", JSON, JSON, JSON),
        Arguments.of("application/json;q", "400", "400", "400"),
        Arguments.of("application/json;q=1;q=0.5", "400", "400", "400"),
        Arguments.of("application/json,", "400", "400", "400"));
  }

  @ParameterizedTest(name = "Accept: {0}")
  @MethodSource("acceptHeaders")
  void eachEndpointAnswersTheTypeClairPicks(
      String accept, String stateAnswer, String reportAnswer, String affectedAnswer) {
    assertAnswers(get("/indexer/api/v1/index_state", accept, null), stateAnswer);
    assertAnswers(get("/indexer/api/v1/index_report/" + digest, accept, null), reportAnswer);
    HttpRequest.Builder affected =
        authorized("/indexer/api/v1/internal/affected_manifest/")
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString("{\"vulnerabilities\":[]}"));
    if (accept != null) {
      affected.header("Accept", accept);
    }
    assertAnswers(stack.send(affected.build()), affectedAnswer);
  }

  @Test
  void theStateAndAFinishedReportCarryTheIndexStateAsETagAndAMatchingIfNoneMatchIs304() {
    String etag = "\"" + state + "\"";
    for (String path :
        List.of("/indexer/api/v1/index_state", "/indexer/api/v1/index_report/" + digest)) {
      HttpResponse<String> fresh = get(path, null, null);
      assertThat(fresh.headers().firstValue("ETag")).as(path).contains(etag);

      HttpResponse<String> cached = get(path, null, etag);
      assertThat(cached.statusCode()).as(path).isEqualTo(304);
      assertThat(cached.body()).isEmpty();
      assertThat(cached.headers().firstValue("ETag")).contains(etag);

      assertThat(get(path, null, "\"another-state\"").statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void postAnswers201WithClairsEtagLocationAndLinkWhateverAcceptSays() {
    for (String accept : List.of("text/html", "foo", INDEX_STATE)) {
      HttpResponse<String> indexed = post(accept, Map.of());

      assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
      assertThat(indexed.headers().firstValue("Content-Type")).contains(JSON);
      assertThat(indexed.headers().firstValue("ETag")).contains("\"" + state + "\"");
      assertThat(indexed.headers().firstValue("Location"))
          .contains("/indexer/api/v1/index_report/" + digest);
      assertThat(indexed.headers().allValues("Link"))
          .containsExactly("</indexer/api/v1/index_report/" + digest + ">; " + REPORT_RELATION);
      assertThat(DrydockStack.json(indexed).path("manifest_hash").asText()).isEqualTo(digest);
    }
  }

  @Test
  void postWithTheCurrentStateInIfNoneMatchIs412BeforeAnythingIsIndexed() {
    HttpResponse<String> refused = post(null, Map.of("If-None-Match", "\"" + state + "\""));

    assertThat(refused.statusCode()).isEqualTo(412);
    assertThat(refused.body()).isEmpty();
    assertThat(refused.headers().allValues("Link"))
        .containsExactly("</indexer/api/v1/index_report/" + digest + ">; " + REPORT_RELATION);

    assertThat(post(null, Map.of("If-None-Match", "\"an-older-state\"")).statusCode())
        .isEqualTo(201);
  }

  private static void assertAnswers(HttpResponse<String> response, String expected) {
    String path = response.uri().getPath();
    if (expected.length() == 3) {
      assertThat(response.statusCode())
          .as(path + ": " + response.body())
          .isEqualTo(Integer.parseInt(expected));
      assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
      assertThat(DrydockStack.json(response).path("code").asText())
          .isEqualTo(expected.equals("415") ? "unsupported-media-type" : "bad-request");
      return;
    }
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).as(path).contains(expected);
    assertThat(DrydockStack.json(response).isObject()).isTrue();
  }

  private static HttpResponse<String> get(String path, String accept, String ifNoneMatch) {
    HttpRequest.Builder request = authorized(path).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return stack.send(request.build());
  }

  private static HttpResponse<String> post(String accept, Map<String, String> headers) {
    HttpRequest.Builder request =
        authorized("/indexer/api/v1/index_report")
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString("{\"hash\":\"" + digest + "\"}"));
    if (accept != null) {
      request.header("Accept", accept);
    }
    headers.forEach(request::header);
    return stack.send(request.build());
  }

  private static HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(URI.create(stack.baseUrl + path))
        .header("Authorization", "Bearer " + stack.operatorToken());
  }
}

package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer of the reference sled agent, success and refusal, validated against omicron's
 * OpenAPI documents (oxidecomputer/omicron {@code openapi/sled-agent/sled-agent-48.0.0-808ec1.json}
 * and {@code openapi/repo-depot/repo-depot-1.0.0-65083f.json} at
 * b848b6df85531e85aaaa6d434dfb5bfd45bb42ce, copied under {@code src/test/resources/omicron/}). What
 * the documents leave open is pinned to omicron's code at the same commit: {@code
 * sled-agent/src/artifact_store.rs} ({@code From<Error> for HttpError}: 409 {@code
 * CONFIG_GENERATION} for a stale config, 400 {@code NoConfig}), {@code
 * sled-agent/src/http_entrypoints.rs} ({@code artifact_config_get}: 404 before any config), and
 * dropshot's version policy (oxidecomputer/dropshot {@code dropshot/src/versioning.rs} at
 * fb0fd916c4da45d81541355adb5642df9c890b7d: 400 for a missing, malformed or newer {@code
 * api-version}, read before routing).
 */
class OmicronWireFormatTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final OmicronDocument SLED = OmicronDocument.SLED_AGENT;
  private static final OmicronDocument DEPOT = OmicronDocument.REPO_DEPOT;

  @TempDir Path dataDir;
  @TempDir Path sourceDir;
  private SledAgent agent;
  private URI depotOnly;

  @BeforeEach
  void start() {
    agent = TestSleds.start("wire", dataDir, "--depot-port=0");
    depotOnly = agent.depotUri().orElseThrow();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void theAgentImplementsTheVersionsOfTheDocuments() {
    assertThat(ApiVersion.SLED_AGENT.toString()).isEqualTo(SLED.version());
    assertThat(ApiVersion.REPO_DEPOT.toString()).isEqualTo(DEPOT.version());
  }

  @Test
  void theValidatorRefusesWhatTheDocumentsForbid() {
    assertThatThrownBy(() -> SLED.assertIsA("ArtifactPutResponse", "{\"datasets\": 2}"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                SLED.assertIsA(
                    "ArtifactPutResponse", "{\"datasets\": -1, \"successful_writes\": 0}"))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> SLED.assertIsA("Error", "{\"error_code\": \"X\", \"message\": \"m\"}"))
        .isInstanceOf(AssertionError.class);
    SLED.assertIsA("Error", "{\"request_id\": \"r\", \"message\": \"m\"}");
  }

  @Test
  void beforeAnyConfigTheAgentAnswersAsOmicron() {
    HttpResponse<String> config = get("/artifacts-config");
    SLED.assertAllows("GET", "/artifacts-config", config);
    assertThat(config.statusCode()).isEqualTo(404);
    assertThat(errorCode(config)).isEmpty();

    HttpResponse<String> list = get("/artifacts");
    SLED.assertAllows("GET", "/artifacts", list);
    assertThat(list.statusCode()).isEqualTo(400);
    assertThat(errorCode(list)).isEmpty();

    Artifact artifact = Artifact.random(10);
    HttpResponse<String> put = putArtifact(1, artifact);
    SLED.assertAllows("PUT", "/artifacts/{sha256}", put);
    assertThat(put.statusCode()).isEqualTo(400);
  }

  @Test
  void everyArtifactEndpointAnswersAsTheDocumentSays() {
    Artifact artifact = Artifact.random(1000);
    Artifact elsewhere = Artifact.random(10);

    HttpResponse<String> configured = putConfig(3, artifact.sha256());
    SLED.assertAllows("PUT", "/artifacts-config", configured);
    assertThat(configured.statusCode()).isEqualTo(204);
    HttpResponse<String> again = putConfig(3, artifact.sha256());
    SLED.assertAllows("PUT", "/artifacts-config", again);
    assertThat(again.statusCode()).isEqualTo(204);

    HttpResponse<String> stale = putConfig(2, artifact.sha256());
    SLED.assertAllows("PUT", "/artifacts-config", stale);
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(errorCode(stale)).contains("CONFIG_GENERATION");
    HttpResponse<String> sameGenerationOtherArtifacts = putConfig(3, elsewhere.sha256());
    SLED.assertAllows("PUT", "/artifacts-config", sameGenerationOtherArtifacts);
    assertThat(errorCode(sameGenerationOtherArtifacts)).contains("CONFIG_GENERATION");
    HttpResponse<String> malformed =
        sendJson("PUT", "/artifacts-config", "{\"generation\": -1, \"artifacts\": []}");
    SLED.assertAllows("PUT", "/artifacts-config", malformed);
    assertThat(malformed.statusCode()).isEqualTo(400);

    HttpResponse<String> config = get("/artifacts-config");
    SLED.assertAllows("GET", "/artifacts-config", config);
    assertThat(config.statusCode()).isEqualTo(200);

    HttpResponse<String> wrongGeneration = putArtifact(2, artifact);
    SLED.assertAllows("PUT", "/artifacts/{sha256}", wrongGeneration);
    assertThat(wrongGeneration.statusCode()).isEqualTo(409);
    HttpResponse<String> notInConfig = putArtifact(3, elsewhere);
    SLED.assertAllows("PUT", "/artifacts/{sha256}", notInConfig);
    assertThat(notInConfig.statusCode()).isEqualTo(400);
    HttpResponse<String> mismatch =
        send(
            "PUT",
            "/artifacts/" + artifact.sha256() + "?generation=3",
            BodyPublishers.ofString("other bytes"));
    SLED.assertAllows("PUT", "/artifacts/{sha256}", mismatch);
    assertThat(mismatch.statusCode()).isEqualTo(400);

    HttpResponse<String> stored = putArtifact(3, artifact);
    SLED.assertAllows("PUT", "/artifacts/{sha256}", stored);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).isEqualTo("{\"datasets\":2,\"successful_writes\":2}");
    assertThat(stored.headers().firstValue("x-request-id")).isPresent();

    HttpResponse<String> list = get("/artifacts");
    SLED.assertAllows("GET", "/artifacts", list);
    assertThat(list.statusCode()).isEqualTo(200);

    for (URI depot : new URI[] {agent.baseUri(), depotOnly}) {
      HttpResponse<String> served =
          get(depot, "/artifact/sha256/" + artifact.sha256(), DEPOT.version());
      DEPOT.assertAllows("GET", "/artifact/sha256/{sha256}", served);
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.headers().firstValue("Content-Type")).contains("application/octet-stream");
      HttpResponse<String> absent =
          get(depot, "/artifact/sha256/" + elsewhere.sha256(), DEPOT.version());
      DEPOT.assertAllows("GET", "/artifact/sha256/{sha256}", absent);
      assertThat(absent.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aCopyIsAcceptedWithAnEmptyObjectAndRefusalsAreErrors() {
    Artifact artifact = Artifact.random(1000);
    try (SledAgent source = TestSleds.start("source", sourceDir, "--depot-port=0")) {
      SledClient sourceClient = TestSleds.client(source);
      sourceClient.putConfig(1, artifact.sha256());
      sourceClient.upload(1, artifact);
      putConfig(4, artifact.sha256());

      HttpResponse<String> badBody = copy(4, artifact, "{\"depot\": 1}");
      SLED.assertAllows("POST", "/artifacts/{sha256}/copy-from-depot", badBody);
      assertThat(badBody.statusCode()).isEqualTo(400);
      HttpResponse<String> wrongGeneration =
          copy(3, artifact, depotBody(source.depotUri().orElseThrow()));
      SLED.assertAllows("POST", "/artifacts/{sha256}/copy-from-depot", wrongGeneration);
      assertThat(wrongGeneration.statusCode()).isEqualTo(409);
      HttpResponse<String> noDepot = copy(4, artifact, depotBody(URI.create("http://127.0.0.1:1")));
      SLED.assertAllows("POST", "/artifacts/{sha256}/copy-from-depot", noDepot);
      assertThat(noDepot.statusCode()).isEqualTo(502);

      HttpResponse<String> accepted = copy(4, artifact, depotBody(source.depotUri().orElseThrow()));
      SLED.assertAllows("POST", "/artifacts/{sha256}/copy-from-depot", accepted);
      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(accepted.body()).isEqualTo("{}");
      SledClient client = TestSleds.client(agent);
      SledClient.await(
          "the copy from the source's own depot port lands", () -> client.inventory().size() == 1);
    }
  }

  @Test
  void theApiVersionHeaderIsRequiredAsDropshotRequiresIt() throws IOException {
    for (Optional<String> version :
        java.util.List.of(
            Optional.<String>empty(),
            Optional.of("49.0.0"),
            Optional.of("48"),
            Optional.of("v48.0.0"),
            Optional.of("048.0.0"))) {
      HttpResponse<String> refused = get(agent.baseUri(), "/artifacts", version.orElse(null));
      SLED.assertAllows("GET", "/artifacts", refused);
      assertThat(refused.statusCode()).as(version.toString()).isEqualTo(400);
      assertThat(errorCode(refused)).isEmpty();
      assertThat(refused.headers().firstValue("x-request-id"))
          .contains(SledClient.JSON.readTree(refused.body()).path("request_id").asText());
    }
    assertThat(get(agent.baseUri(), "/artifacts", null).body())
        .contains("missing expected header \\\"api-version\\\"");
    assertThat(get(agent.baseUri(), "/artifacts", "49.0.0").body())
        .contains("server does not support this API version: 49.0.0");
    // Older versions and pre-releases are served: the artifact endpoints exist in every version.
    assertThat(get(agent.baseUri(), "/artifacts-config", "1.0.0").statusCode()).isEqualTo(404);
    assertThat(get(agent.baseUri(), "/artifacts-config", "48.0.0-rc.1").statusCode())
        .isEqualTo(404);

    // Read before routing: an unknown path without the header is a 400 too.
    HttpResponse<String> unrouted = get(agent.baseUri(), "/no-such-path", null);
    assertThat(unrouted.statusCode()).isEqualTo(400);
    SLED.assertIsA("Error", unrouted.body());

    // The depot's own port serves the repo depot API, version 1.0.0, and nothing else.
    Artifact artifact = Artifact.random(10);
    HttpResponse<String> tooNew = get(depotOnly, "/artifact/sha256/" + artifact.sha256(), "48.0.0");
    DEPOT.assertAllows("GET", "/artifact/sha256/{sha256}", tooNew);
    assertThat(tooNew.statusCode()).isEqualTo(400);
    HttpResponse<String> notTheDepot = get(depotOnly, "/artifacts-config", DEPOT.version());
    assertThat(notTheDepot.statusCode()).isEqualTo(404);
    DEPOT.assertIsA("Error", notTheDepot.body());
  }

  private HttpResponse<String> putConfig(long generation, String... artifacts) {
    return sendJson("PUT", "/artifacts-config", SledClient.configJson(generation, artifacts));
  }

  private HttpResponse<String> putArtifact(long generation, Artifact artifact) {
    return send(
        "PUT",
        "/artifacts/" + artifact.sha256() + "?generation=" + generation,
        BodyPublishers.ofByteArray(artifact.bytes()));
  }

  private HttpResponse<String> copy(long generation, Artifact artifact, String body) {
    return sendJson(
        "POST",
        "/artifacts/" + artifact.sha256() + "/copy-from-depot?generation=" + generation,
        body);
  }

  private static String depotBody(URI depot) {
    return "{\"depot_base_url\": \"" + depot + "\"}";
  }

  private HttpResponse<String> get(String path) {
    return send("GET", path, BodyPublishers.noBody());
  }

  private HttpResponse<String> sendJson(String method, String path, String json) {
    return send(method, path, BodyPublishers.ofString(json));
  }

  private HttpResponse<String> send(String method, String path, BodyPublisher body) {
    return send(agent.baseUri(), method, path, body, SLED.version());
  }

  private static HttpResponse<String> get(URI base, String path, String version) {
    return send(base, "GET", path, BodyPublishers.noBody(), version);
  }

  private static HttpResponse<String> send(
      URI base, String method, String path, BodyPublisher body, String version) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).method(method, body);
    if (version != null) {
      request.header(ApiVersion.HEADER, version);
    }
    try {
      return HTTP.send(request.build(), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> errorCode(HttpResponse<String> response) {
    try {
      return Optional.ofNullable(
          SledClient.JSON.readTree(response.body()).path("error_code").textValue());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

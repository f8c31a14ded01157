package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.sledagent.OmicronDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drydock's sled client against a sled that answers as omicron's does ({@link OmicronSledStub},
 * which cites the documents and code it follows): the client sends the {@code api-version} it
 * implements, reads omicron's bodies and error bodies, treats 409 {@code CONFIG_GENERATION} on a
 * config as stale (as Nexus does, oxidecomputer/omicron {@code
 * nexus/src/app/background/tasks/tuf_artifact_replication.rs} at
 * b848b6df85531e85aaaa6d434dfb5bfd45bb42ce, {@code sled_put_config_and_list}) and names the
 * source's depot URL in a copy, as Nexus names a sled's {@code repo_depot_port}. Every answer of
 * the stub is held against omicron's document with sled-agent's {@link OmicronDocument}.
 */
class SledClientOmicronTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();
  private OmicronSledStub target;
  private OmicronSledStub source;
  private SledClient client;

  @BeforeEach
  void start() {
    target = new OmicronSledStub();
    source = new OmicronSledStub();
    database.registry.register("target", target.baseUrl(), null);
    database.registry.register("source", source.baseUrl(), "http://10.0.0.2:12348");
    client = new SledClient(database.registry, Duration.ofSeconds(10));
  }

  /**
   * Every answer the stubs gave is one omicron's document allows, or dropshot's 404 for a path no
   * operation has.
   */
  @AfterEach
  void stopAndHoldTheAnswersAgainstTheDocument() {
    target.close();
    source.close();
    assertThat(target.answers).isNotEmpty();
    for (OmicronSledStub.Answer answer : target.answers) {
      if (answer.pathTemplate() == null) {
        assertThat(answer.status()).isEqualTo(404);
        continue;
      }
      OmicronDocument.SLED_AGENT.assertAllows(
          answer.method(),
          answer.pathTemplate(),
          answer.status(),
          answer.contentType(),
          answer.body());
    }
  }

  @Test
  void theStubRefusesARequestWithoutTheVersionAsDropshotDoes() throws Exception {
    HttpResponse<String> refused =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(target.baseUrl() + "/artifacts")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .contains("missing expected header \\\"api-version\\\"")
        .doesNotContain("error_code");
  }

  @Test
  void aSledWithoutConfigReadsAsGenerationZeroHoldingNothing() {
    SledClient.Answer<SledClient.Config> config = client.getConfig("target");
    SledClient.Answer<SledClient.Listing> listing = client.listArtifacts("target");

    assertThat(config.succeeded()).as(config.error()).isTrue();
    assertThat(config.value()).isEqualTo(new SledClient.Config(0, List.of()));
    assertThat(listing.succeeded()).as(listing.error()).isTrue();
    assertThat(listing.value()).isEqualTo(new SledClient.Listing(0, Map.of()));
    assertThat(target.requests)
        .containsExactly("GET /artifacts-config 48.0.0", "GET /artifacts 48.0.0");
  }

  @Test
  void configsListingsPutsAndCopiesAreReadAsOmicronAnswersThem() throws Exception {
    assertThat(client.putConfig("target", 3, List.of(A, B)).succeeded()).isTrue();
    assertThat(client.getConfig("target").value())
        .isEqualTo(new SledClient.Config(3, List.of(A, B)));
    assertThat(client.listArtifacts("target").value())
        .isEqualTo(new SledClient.Listing(3, Map.of(A, 2, B, 2)));

    Path file = Files.createTempFile("artifact", ".bin");
    Files.writeString(file, "bytes");
    SledClient.Answer<Void> put =
        client.putArtifact("target", A, 3, file, new AtomicLong(), sent -> {});
    assertThat(put.succeeded()).as(put.error()).isTrue();
    assertThat(put.status()).isEqualTo(200);
    Files.delete(file);

    SledClient.Answer<Void> copy = client.copyFromDepot("target", "source", B, 3);
    assertThat(copy.succeeded()).as(copy.error()).isTrue();
    assertThat(copy.status()).isEqualTo(202);
    assertThat(target.copySources).containsExactly("http://10.0.0.2:12348");
    assertThat(target.requests).allSatisfy(request -> assertThat(request).endsWith(" 48.0.0"));
  }

  @Test
  void omicronsRefusalsAreReadFromTheirErrorBodies() {
    client.putConfig("target", 3, List.of(A));

    SledClient.Answer<Void> stale = client.putConfig("target", 2, List.of(A));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("CONFIG_GENERATION");
    assertThat(stale.error())
        .isEqualTo(
            "HTTP 409 CONFIG_GENERATION: Attempt to modify config to generation 2 while at 3");

    // omicron sends no error_code for a write under another generation: a failed request, not a
    // stale config.
    SledClient.Answer<Void> copy = client.copyFromDepot("target", "source", A, 2);
    assertThat(copy.status()).isEqualTo(409);
    assertThat(copy.errorCode()).isNull();
    assertThat(copy.error())
        .isEqualTo("HTTP 409 Attempt to put object with generation 2 while at 3");

    SledClient.Answer<Void> notInConfig = client.copyFromDepot("target", "source", B, 3);
    assertThat(notInConfig.status()).isEqualTo(400);
    assertThat(notInConfig.error())
        .isEqualTo("HTTP 400 Attempt to put artifact " + B + " not in config generation 3");
  }

  @Test
  void aSledWithoutADepotUrlIsCopiedFromAtItsBaseUrl() {
    client.putConfig("target", 1, List.of(A));
    database.registry.register("source", source.baseUrl(), null);

    assertThat(client.copyFromDepot("target", "source", A, 1).succeeded()).isTrue();
    assertThat(target.copySources).containsExactly(source.baseUrl());
  }

  /**
   * omicron's sled agent has no copy status (its document has no such operation): a copy still
   * unlisted after a second asks once, is answered 404 by dropshot's router, and from then on reads
   * the listing alone.
   */
  @Test
  void aCopyOnAnOmicronSledIsWatchedThroughItsListing() {
    client.putConfig("target", 3, List.of(A, B));
    target.copiesLandAfter = CopyWatch.STATUS_EVERY.multipliedBy(2);
    assertThat(client.copyFromDepot("target", "source", B, 3).succeeded()).isTrue();

    String outcome =
        new CopyWatch(client, Duration.ofSeconds(10)).awaitLanded("target", 3, B, () -> {});

    assertThat(outcome).isNull();
    assertThat(target.requests)
        .filteredOn(request -> request.contains("copy-status"))
        .containsExactly("GET /artifacts/" + B + "/copy-status 48.0.0");
    assertThat(target.requests.get(target.requests.size() - 1)).isEqualTo("GET /artifacts 48.0.0");
  }
}

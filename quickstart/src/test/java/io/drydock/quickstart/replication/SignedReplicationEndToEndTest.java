package io.drydock.quickstart.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.SledAgentProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Uploads verified against a trusted root, through the API and onto sled agent processes, with the
 * repositories python-tuf signed (activities/src/test/resources/tuf, made by make_fixtures.py
 * there): each bad one is refused with its code and reaches neither the database, the depot nor any
 * sled; each good one reaches every sled; an older version after a newer one is a rollback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedReplicationEndToEndTest {
  private static final Path FIXTURES =
      Path.of("..", "activities", "src", "test", "resources", "tuf");
  private static final Duration CONVERGENCE = Duration.ofSeconds(60);

  private static ReplicationStack stack;

  @BeforeAll
  static void startStack() {
    stack =
        ReplicationStack.start(
            "signed-replication",
            3,
            true,
            Map.of(
                "drydock.tuf.trusted-root",
                FIXTURES.resolve("trusted-root.json").toAbsolutePath().toString(),
                "drydock.tuf.allow-unsigned",
                "false"));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  static Stream<Arguments> badRepositories() {
    return Stream.of(
        Arguments.of("bad-tampered-targets.zip", "SIGNATURE_INVALID"),
        Arguments.of("bad-other-root.zip", "ROOT_UNTRUSTED"),
        Arguments.of("bad-missing-signature.zip", "THRESHOLD_NOT_MET"),
        Arguments.of("bad-below-threshold.zip", "THRESHOLD_NOT_MET"),
        Arguments.of("bad-rotation-not-signed-by-trusted-root.zip", "ROOT_UNTRUSTED"),
        Arguments.of("bad-expired-timestamp.zip", "METADATA_EXPIRED"),
        Arguments.of("bad-snapshot-names-other-targets-version.zip", "VERSION_MISMATCH"),
        Arguments.of("bad-delegations.zip", "DELEGATIONS_UNSUPPORTED"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badRepositories")
  @Order(1)
  void aRepositoryThatFailsVerificationIsRefusedAndReachesNoSled(String fixture, String code) {
    long generation = stack.generation();

    HttpResponse<String> answer = stack.upload(fixture(fixture));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(DrydockStack.errorCode(answer)).isEqualTo(code);
    assertThat(stack.generation()).isEqualTo(generation);
    assertThat(stack.referencedArtifacts()).isEmpty();
    assertThat(stack.depotArtifacts()).isEmpty();
    for (SledAgentProcess sled : stack.sleds) {
      assertThat(sled.artifactsOnDisk()).as(sled.id).isEmpty();
    }
  }

  @Test
  @Order(2)
  void aSignedRepositoryReachesEverySledAndAnOlderVersionAfterItIsARollback() {
    HttpResponse<String> created = stack.upload(fixture("good-basic.zip"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode repository = DrydockStack.json(created);
    assertThat(repository.path("system_version").asText()).isEqualTo("1.0.0");
    List<String> artifacts = new ArrayList<>();
    repository
        .path("artifacts")
        .forEach(artifact -> artifacts.add(artifact.path("sha256").asText()));
    assertThat(artifacts).hasSize(3);

    stack.awaitOnEverySled(artifacts, CONVERGENCE);

    long generation = stack.generation();
    HttpResponse<String> rollback = stack.upload(fixture("bad-rollback.zip"));
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(400);
    assertThat(DrydockStack.errorCode(rollback)).isEqualTo("ROLLBACK");
    assertThat(stack.generation()).isEqualTo(generation);

    HttpResponse<String> rotated = stack.upload(fixture("good-rotated-threshold-2.zip"));
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
  }

  private static byte[] fixture(String name) {
    try {
      return Files.readAllBytes(FIXTURES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

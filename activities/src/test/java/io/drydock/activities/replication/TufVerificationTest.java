package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Signature verification of uploads, over repositories signed by python-tuf, the TUF reference
 * implementation ({@code src/test/resources/tuf/make_fixtures.py}, whose README says which of them
 * python-tuf's own verifier accepts), and over tufaceous's own fixture. A refused upload keeps
 * nothing: no row, no generation, no depot file.
 */
class TufVerificationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();

  /** securesystemslib's encode_canonical, byte for byte: the bytes every signature is over. */
  @Test
  void canonicalJsonEqualsSecuresystemslibsByteForByte() throws IOException {
    JsonNode vectors = JSON.readTree(fixture("canonical-vectors.json").toFile());
    assertThat(vectors.size()).isGreaterThanOrEqualTo(5);
    for (JsonNode vector : vectors) {
      byte[] expected = Base64.getDecoder().decode(vector.path("canonical").asText());
      JsonNode document =
          new ObjectMapper()
              .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
              .readTree(JSON.writeValueAsBytes(vector.path("document")));
      assertThat(CanonicalJson.encode(document))
          .as(vector.path("document").toString())
          .isEqualTo(expected);
    }
  }

  static Stream<Arguments> goodRepositories() {
    return Stream.of(
        Arguments.of("good-basic.zip", 1L, 3L),
        Arguments.of("good-flat-layout.zip", 1L, 4L),
        Arguments.of("good-rotated-threshold-2.zip", 2L, 5L));
  }

  /**
   * tufaceous's layout (one top folder, {@code metadata/N.root.json}, consistent-snapshot targets,
   * names with {@code /}), a flat non-consistent one, and a root rotation to a threshold of 2 with
   * ed25519, ECDSA P-256 and RSA-PSS keys.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goodRepositories")
  void aRepositorySignedByTheTrustedRootIsAccepted(
      String fixture, long rootVersion, long targetsVersion) {
    UploadOutcome outcome = upload(signed(), fixture);

    assertThat(outcome.created()).isTrue();
    assertThat(outcome.repository().systemVersion())
        .as("artifacts.json's system_version")
        .isEqualTo("1.0.0");
    assertThat(outcome.repository().targetsVersion()).isEqualTo(targetsVersion);
    assertThat(outcome.repository().artifacts())
        .extracting(RepositoryTarget::name, RepositoryTarget::kind, RepositoryTarget::version)
        .contains(
            tuple("host-fake-host-1.0.0.tar.gz", "host", "1.0.0"),
            tuple("os/zones/zone-1.tar.gz", "zone", "1.0.0"),
            tuple("artifacts.json", null, null));
    assertThat(
            database
                .jdbc
                .sql("SELECT root_version FROM tuf_accepted_versions")
                .query(Long.class)
                .single())
        .isEqualTo(rootVersion);
  }

  static Stream<Arguments> badRepositories() {
    return Stream.of(
        Arguments.of("bad-tampered-targets.zip", Reason.SIGNATURE_INVALID),
        Arguments.of("bad-other-root.zip", Reason.ROOT_UNTRUSTED),
        Arguments.of("bad-missing-signature.zip", Reason.THRESHOLD_NOT_MET),
        Arguments.of("bad-signed-by-stranger.zip", Reason.THRESHOLD_NOT_MET),
        Arguments.of("bad-below-threshold.zip", Reason.THRESHOLD_NOT_MET),
        Arguments.of("bad-rotation-below-its-own-threshold.zip", Reason.THRESHOLD_NOT_MET),
        Arguments.of("bad-rotation-not-signed-by-trusted-root.zip", Reason.ROOT_UNTRUSTED),
        Arguments.of("bad-expired-timestamp.zip", Reason.METADATA_EXPIRED),
        Arguments.of("bad-snapshot-names-other-targets-version.zip", Reason.VERSION_MISMATCH),
        Arguments.of("bad-delegations.zip", Reason.DELEGATIONS_UNSUPPORTED));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badRepositories")
  void aRepositoryThatFailsVerificationIsRefusedWithItsCodeAndKeepsNothing(
      String fixture, Reason reason) {
    assertRefused(signed(), fixture, reason);
  }

  @Test
  void anOlderVersionThanOneAcceptedIsARollback() {
    TufRepositoryUpload upload = signed();
    upload(upload, "good-basic.zip");
    long generation = database.store.generation();

    InvalidRepositoryException refused = refusal(upload, "bad-rollback.zip");

    assertThat(refused.reason()).isEqualTo(Reason.ROLLBACK);
    assertThat(refused.getMessage()).contains("version 2, lower than version 3");
    assertThat(database.count("artifact_repositories")).isEqualTo(1);
    assertThat(database.store.generation()).isEqualTo(generation);
  }

  @Test
  void theSameRepositoryUploadedAgainChangesNothing() {
    TufRepositoryUpload upload = signed();
    upload(upload, "good-basic.zip");

    UploadOutcome again = upload(upload, "good-basic.zip");

    assertThat(again.created()).isFalse();
  }

  /**
   * oxidecomputer/tufaceous lib/tests/data/v1-fake.zip, with its own root; its metadata expired
   * 2026-02-11.
   */
  @Test
  void tufaceousOwnFixtureIsAcceptedWithItsRootBeforeItExpires() {
    TufRepositoryUpload upload =
        tufaceous(Clock.fixed(Instant.parse("2026-02-05T00:00:00Z"), ZoneOffset.UTC));

    UploadOutcome outcome = upload(upload, "tufaceous-v1-fake.zip");

    assertThat(outcome.repository().systemVersion()).isEqualTo("1.0.0");
    assertThat(outcome.repository().artifacts()).hasSize(15);
    assertThat(outcome.repository().artifacts())
        .extracting(RepositoryTarget::name, RepositoryTarget::kind)
        .contains(
            tuple("host-fake-host-1.0.0.tar.gz", "host"),
            tuple("gimlet_sp-fake-gimlet-sp-1.0.0.tar.gz", "gimlet_sp"));
  }

  @Test
  void tufaceousOwnFixtureIsRefusedOnceExpired() {
    TufRepositoryUpload upload = tufaceous(Clock.systemUTC());

    assertRefused(upload, "tufaceous-v1-fake.zip", Reason.METADATA_EXPIRED);
  }

  @Test
  void withoutATrustedRootUploadsAreRefusedUnlessUnsignedOnesAreAllowed() {
    TufRepositoryUpload refusing =
        new TufRepositoryUpload(
            database.store,
            database.depot,
            ReplicationDatabase.MAX_UPLOAD_BYTES,
            ReplicationDatabase.MAX_UPLOAD_ENTRIES,
            new TufTrust(List.of(), Clock.systemUTC()),
            false);

    assertRefused(refusing, "good-basic.zip", Reason.TUF_ROOT_NOT_CONFIGURED);
    assertThat(upload(database.upload, "good-basic.zip").created()).as("allowed unsigned").isTrue();
  }

  @Test
  void aTrustedRootThatDoesNotSignItselfStopsTheProcess() throws IOException {
    Path unsigned = Files.createTempFile("root-", ".json");
    JsonNode root = JSON.readTree(fixture("trusted-root.json").toFile());
    ((ObjectNode) root).putArray("signatures");
    Files.write(unsigned, JSON.writeValueAsBytes(root));

    IllegalArgumentException refused =
        catchThrowableOfType(
            IllegalArgumentException.class, () -> TufTrust.load(List.of(unsigned)));

    assertThat(refused)
        .hasMessageContaining(unsigned.toString())
        .hasMessageContaining("signs itself");
  }

  /** The fixture holds a 1 MiB target, more than the other tests' upload limit. */
  private TufRepositoryUpload tufaceous(Clock clock) {
    return new TufRepositoryUpload(
        database.store,
        database.depot,
        16L << 20,
        ReplicationDatabase.MAX_UPLOAD_ENTRIES,
        new TufTrust(TufTrust.load(List.of(fixture("tufaceous-v1-fake-root.json"))), clock),
        false);
  }

  private TufRepositoryUpload signed() {
    return database.signedUpload(
        TufTrust.load(List.of(fixture("trusted-root.json"))), Clock.systemUTC());
  }

  private void assertRefused(TufRepositoryUpload upload, String fixture, Reason reason) {
    long generation = database.store.generation();

    InvalidRepositoryException refused = refusal(upload, fixture);

    assertThat(refused.reason()).as(refused.getMessage()).isEqualTo(reason);
    assertThat(database.count("artifact_repositories")).isZero();
    assertThat(database.count("tuf_accepted_versions")).isZero();
    assertThat(database.store.generation()).isEqualTo(generation);
    assertThat(database.depotFiles()).isEmpty();
  }

  private static InvalidRepositoryException refusal(TufRepositoryUpload upload, String fixture) {
    InvalidRepositoryException refused =
        catchThrowableOfType(InvalidRepositoryException.class, () -> upload(upload, fixture));
    assertThat(refused).as(fixture + " refused").isNotNull();
    return refused;
  }

  private static UploadOutcome upload(TufRepositoryUpload upload, String fixture) {
    try (InputStream in = Files.newInputStream(fixture(fixture))) {
      return upload.upload(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path fixture(String name) {
    try {
      return Path.of(TufVerificationTest.class.getResource("/tuf/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Uploads of TUF repository archives: what a valid one stores, and every refusal, after which the
 * database, the generation and the depot are exactly as before.
 */
class TufRepositoryUploadTest {
  private static final long MAX_BYTES = ReplicationDatabase.MAX_UPLOAD_BYTES;
  private static final int MAX_ENTRIES = ReplicationDatabase.MAX_UPLOAD_ENTRIES;
  private static final Map<String, byte[]> TARGETS =
      TestArchives.targets(
          "os/host.img", "host image bytes", "sp.bin", "service processor", "README", "read me");

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();

  @Test
  void aValidMultiTargetRepositoryIsStoredWithItsArtifactsInTheDepot() throws IOException {
    byte[] metadata = TestArchives.targetsJson("release-1", TARGETS);
    TestArchives archive =
        new TestArchives().file("metadata/targets.json", metadata).file("metadata/root.json", "{}");
    TARGETS.forEach((name, bytes) -> archive.file("targets/" + name, bytes));

    UploadOutcome outcome = database.upload.upload(archive.stream());

    assertThat(outcome.created()).isTrue();
    assertThat(outcome.generation()).isEqualTo(2);
    StoredRepository repository = outcome.repository();
    assertThat(repository.id()).isEqualTo(TestArchives.sha256(metadata));
    assertThat(repository.name()).isEqualTo("release-1");
    assertThat(repository.systemVersion()).isEqualTo("1.0.0");
    assertThat(repository.localFreedAt()).isNull();
    assertThat(repository.artifacts())
        .containsExactly(
            new RepositoryTarget("README", TestArchives.sha256("read me"), 7),
            new RepositoryTarget("os/host.img", TestArchives.sha256("host image bytes"), 16),
            new RepositoryTarget("sp.bin", TestArchives.sha256("service processor"), 17));
    for (RepositoryTarget target : repository.artifacts()) {
      assertThat(Files.readAllBytes(database.depotDir.resolve(target.sha256())))
          .isEqualTo(TARGETS.get(target.name()));
    }
    assertThat(database.depotFiles()).hasSize(3);
  }

  @Test
  void consistentSnapshotNamesAndVersionedMetadataAtTheTopAreAccepted() {
    TestArchives archive =
        new TestArchives().file("3.targets.json", TestArchives.targetsJson("snapshot", TARGETS));
    TARGETS.forEach(
        (name, bytes) -> {
          int slash = name.lastIndexOf('/');
          archive.file(
              "targets/"
                  + name.substring(0, slash + 1)
                  + TestArchives.sha256(bytes)
                  + "."
                  + name.substring(slash + 1),
              bytes);
        });

    UploadOutcome outcome = database.upload.upload(archive.stream());

    assertThat(outcome.repository().artifacts())
        .extracting(RepositoryTarget::name)
        .containsExactly("README", "os/host.img", "sp.bin");
    assertThat(database.depotFiles()).hasSize(3);
  }

  @Test
  void uploadingTheSameRepositoryAgainChangesNothing() {
    UploadOutcome first = database.upload.upload(TestArchives.repository("r", TARGETS).stream());

    UploadOutcome again = database.upload.upload(TestArchives.repository("r", TARGETS).stream());

    assertThat(again.created()).isFalse();
    assertThat(again.generation()).isEqualTo(first.generation());
    assertThat(again.repository()).isEqualTo(first.repository());
    assertThat(database.count("artifact_repositories")).isEqualTo(1);
    assertThat(database.depotFiles()).hasSize(3);
  }

  @Test
  void aTargetWhoseLengthDiffersIsRefusedNamingIt() {
    TestArchives archive =
        TestArchives.repository("r", TARGETS)
            .without("targets/sp.bin")
            .file("targets/sp.bin", "service processor!");

    assertRefused(archive.stream(), Reason.TARGET_INVALID, "sp.bin", "longer than the 17 bytes");
  }

  @Test
  void aTargetWhoseHashDiffersIsRefusedNamingIt() {
    TestArchives archive =
        TestArchives.repository("r", TARGETS)
            .without("targets/README")
            .file("targets/README", "READ ME");

    assertRefused(
        archive.stream(),
        Reason.TARGET_INVALID,
        "README",
        "has sha256 " + TestArchives.sha256("READ ME"));
  }

  @Test
  void aMissingTargetIsRefusedNamingIt() {
    assertRefused(
        TestArchives.repository("r", TARGETS).without("targets/os/host.img").stream(),
        Reason.TARGET_INVALID,
        "os/host.img",
        "missing");
  }

  @Test
  void aTargetWithTwoFilesIsRefused() {
    byte[] bytes = TARGETS.get("sp.bin");
    TestArchives archive =
        TestArchives.repository("r", TARGETS)
            .file("targets/" + TestArchives.sha256(bytes) + ".sp.bin", bytes);

    assertRefused(archive.stream(), Reason.TARGET_INVALID, "sp.bin", "two files");
  }

  @Test
  void aFileUnderTargetsThatIsNotListedIsRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS).file("targets/extra.bin", "smuggled").stream(),
        Reason.ARCHIVE_INVALID,
        "targets/extra.bin",
        "not a target listed");
  }

  @Test
  void anyOtherFileIsRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS).file("install.sh", "rm -rf /").stream(),
        Reason.ARCHIVE_INVALID,
        "install.sh",
        "unexpected entry");
  }

  @Test
  void pathTraversalIsRefused() {
    for (String name :
        new String[] {
          "targets/../../etc/passwd",
          "/etc/passwd",
          "targets/a\\b",
          "C:/evil.json",
          "targets/./sp.bin",
          "targets//sp.bin"
        }) {
      assertRefused(
          TestArchives.repository("r", TARGETS).file(name, "x").stream(),
          Reason.ARCHIVE_INVALID,
          name,
          "unsafe");
    }
  }

  /**
   * The zip library reads a DOS name's backslashes as separators; what that makes of the name is
   * checked.
   */
  @Test
  void aDosPathThatTraversesIsRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS).file("..\\..\\evil.json", "x").stream(),
        Reason.ARCHIVE_INVALID,
        "../../evil.json",
        "unsafe");
  }

  @Test
  void aTargetNameThatWouldEscapeTheTargetsDirectoryIsRefused() {
    Map<String, byte[]> escaping = TestArchives.targets("../../outside", "bytes");

    assertRefused(
        new TestArchives().file("targets.json", TestArchives.targetsJson("r", escaping)).stream(),
        Reason.METADATA_INVALID,
        "../../outside",
        "unsafe target name");
  }

  /**
   * Regression: PostgreSQL refused the NUL ("invalid byte sequence for encoding UTF8: 0x00") and
   * the API gave 500.
   */
  @Test
  void aNulInTheRepositoryNameIsRefusedNamingTheField() {
    assertRefused(
        TestArchives.repository("release\u0000-1", TARGETS).stream(),
        Reason.METADATA_INVALID,
        "release\\u0000-1",
        "signed.custom.name holds a control character (\\u0000) at index 7");
  }

  /**
   * Each text field of targets.json that is stored, with each kind of character that must never be
   * stored: C0 controls, DEL, C1 controls, and unpaired surrogates (written as JSON escapes, which
   * Jackson reads into a string).
   */
  @Test
  void controlCharactersAndUnpairedSurrogatesInStoredTextAreRefused() {
    Map<String, String> escapes =
        Map.of(
            "\\u0001", "\\u0001",
            "\\t", "\\u0009",
            "\\n", "\\u000A",
            "\\u001b", "\\u001B",
            "\\u007f", "\\u007F",
            "\\u0085", "\\u0085",
            "\\ud800", "\\uD800",
            "\\udc00x", "\\uDC00x");
    escapes.forEach(
        (json, printed) -> {
          for (String field : new String[] {"name", "system_version"}) {
            assertRefused(
                archiveWithCustom(field, "v" + json).stream(),
                Reason.METADATA_INVALID,
                "v" + printed,
                "signed.custom." + field + " holds");
          }
          String target = "a" + json + "b";
          String metadata =
              "{\"signed\": {\"_type\": \"targets\", \"version\": 1, \"targets\": {\""
                  + target
                  + "\": {\"length\": 1, \"hashes\": {\"sha256\": \""
                  + TestArchives.sha256("a")
                  + "\"}}}}}";
          InvalidRepositoryException refused =
              catchThrowableOfType(
                  InvalidRepositoryException.class,
                  () ->
                      database.upload.upload(
                          new TestArchives().file("targets.json", metadata).stream()));
          assertThat(refused.reason()).isEqualTo(Reason.METADATA_INVALID);
          if (printed.startsWith("\\uD")) {
            // Jackson itself refuses an unpaired surrogate in a field name, as invalid JSON.
            assertThat(refused.getMessage()).contains("surrogate");
          } else {
            assertThat(refused.getMessage())
                .startsWith("unsafe target name: the name holds")
                .contains("(" + printed + ") at index 1");
            assertThat(refused.detail()).isEqualTo("a" + printed + "b");
          }
        });
    assertThat(database.count("artifact_repositories")).isZero();
    assertThat(database.depotFiles()).isEmpty();
  }

  @Test
  void aControlCharacterInAnEntryNameIsRefused() {
    for (String name :
        new String[] {"targets/a\u0000b", "targets/a\u0085b", "metadata/\u001b[2J.json"}) {
      assertRefused(
          TestArchives.repository("r", TARGETS).file(name, "x").stream(),
          Reason.ARCHIVE_INVALID,
          StoredText.printable(name),
          "unsafe entry name: the name holds a control character");
    }
  }

  @Test
  void namesInAnyScriptAndEmojiAreStoredAsTheyAre() {
    String name = "Grüße, 世界 \uD83D\uDE80";
    Map<String, byte[]> targets = TestArchives.targets("ρ/\uD83D\uDE80.img", "rocket");

    StoredRepository repository =
        database.upload.upload(TestArchives.repository(name, targets).stream()).repository();

    assertThat(repository.name()).isEqualTo(name);
    assertThat(database.store.find(repository.id()).orElseThrow().artifacts())
        .extracting(RepositoryTarget::name)
        .containsExactly("ρ/\uD83D\uDE80.img");
  }

  @Test
  void aRepositoryNameLongerThan1024CharactersIsRefused() {
    assertRefused(
        TestArchives.repository("n".repeat(1025), TARGETS).stream(),
        Reason.METADATA_INVALID,
        null,
        "signed.custom.name is longer than 1024 characters");
  }

  @Test
  void symbolicLinksAreRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS).symlink("targets/link", "/etc/passwd").stream(),
        Reason.ARCHIVE_INVALID,
        "targets/link",
        "symbolic links");
  }

  @Test
  void duplicateEntriesAreRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS)
            .file("targets/README", TARGETS.get("README"))
            .stream(),
        Reason.ARCHIVE_INVALID,
        "targets/README",
        "twice");
  }

  @Test
  void anArchiveWithoutTargetsMetadataIsRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS).without("metadata/targets.json").stream(),
        Reason.METADATA_INVALID,
        null,
        "no targets metadata");
  }

  @Test
  void twoTargetsMetadataFilesAreRefused() {
    assertRefused(
        TestArchives.repository("r", TARGETS)
            .file("targets.json", TestArchives.targetsJson("other", TARGETS))
            .stream(),
        Reason.METADATA_INVALID,
        "metadata/targets.json, targets.json",
        "more than one");
  }

  @Test
  void metadataThatIsNotTufTargetsIsRefused() {
    assertRefused(
        new TestArchives().file("targets.json", "{\"signed\": {\"_type\": \"root\"}}").stream(),
        Reason.METADATA_INVALID,
        "targets.json",
        "_type");
    assertRefused(
        new TestArchives().file("targets.json", "not json").stream(),
        Reason.METADATA_INVALID,
        "targets.json",
        "JSON");
    String duplicateTarget =
        "{\"signed\": {\"_type\": \"targets\", \"version\": 1, \"targets\": {"
            + "\"a\": {\"length\": 1, \"hashes\": {\"sha256\": \""
            + TestArchives.sha256("a")
            + "\"}},"
            + "\"a\": {\"length\": 1, \"hashes\": {\"sha256\": \""
            + TestArchives.sha256("b")
            + "\"}}}}}";
    assertRefused(
        new TestArchives().file("targets.json", duplicateTarget).file("targets/a", "a").stream(),
        Reason.METADATA_INVALID,
        "targets.json",
        "Duplicate field");
  }

  @Test
  void anArchiveLargerThanTheLimitIsRefusedAsTooLarge() {
    TestArchives archive =
        TestArchives.repository("r", Map.of("big.bin", randomBytes((int) MAX_BYTES + 1)));

    assertRefused(archive.stream(), Reason.TOO_LARGE, null, "larger than " + MAX_BYTES);
  }

  @Test
  void targetsAddingUpToMoreThanTheLimitAreRefusedAsTooLarge() {
    String listed =
        "{\"signed\": {\"_type\": \"targets\", \"version\": 1, \"targets\": {"
            + "\"a\": {\"length\": "
            + MAX_BYTES
            + ", \"hashes\": {\"sha256\": \""
            + TestArchives.sha256("a")
            + "\"}},"
            + "\"b\": {\"length\": 1, \"hashes\": {\"sha256\": \""
            + TestArchives.sha256("b")
            + "\"}}}}}";

    assertRefused(
        new TestArchives().file("targets.json", listed).stream(),
        Reason.TOO_LARGE,
        null,
        "add up to more than");
  }

  @Test
  void tooManyEntriesAreRefused() {
    TestArchives archive = TestArchives.repository("r", TARGETS);
    for (int i = 0; i <= MAX_ENTRIES; i++) {
      archive.file("metadata/" + i + ".snapshot.json", "{}");
    }

    assertRefused(
        archive.stream(), Reason.ARCHIVE_INVALID, null, "more than " + MAX_ENTRIES + " entries");
  }

  @Test
  void somethingThatIsNotAZipIsRefused() {
    assertRefused(
        new ByteArrayInputStream("PK not really".getBytes(StandardCharsets.UTF_8)),
        Reason.ARCHIVE_INVALID,
        null,
        "not a zip");
  }

  @Test
  void anUploadThatBreaksOffIsRefusedAsIncomplete() {
    byte[] archive = TestArchives.repository("r", TARGETS).bytes();
    InputStream breaking =
        new InputStream() {
          private int read;

          @Override
          public int read() throws IOException {
            if (read == archive.length / 2) {
              throw new IOException("connection reset by peer");
            }
            return archive[read++] & 0xff;
          }
        };

    assertRefused(breaking, Reason.INCOMPLETE, "connection reset by peer", "ended early");
  }

  private void assertRefused(
      InputStream archive, Reason reason, String detail, String messagePart) {
    long generation = database.store.generation();

    InvalidRepositoryException refused =
        catchThrowableOfType(
            InvalidRepositoryException.class, () -> database.upload.upload(archive));

    assertThat(refused).as("refused").isNotNull();
    assertThat(refused.reason()).isEqualTo(reason);
    assertThat(refused.getMessage()).contains(messagePart);
    assertThat(refused.detail()).isEqualTo(detail);
    assertThat(database.count("artifact_repositories")).isZero();
    assertThat(database.count("artifact_repository_targets")).isZero();
    assertThat(database.store.generation()).isEqualTo(generation);
    assertThat(database.depotFiles()).isEmpty();
  }

  /**
   * A valid repository whose {@code signed.custom.<field>} is {@code jsonText}, written into the
   * JSON as it is.
   */
  private static TestArchives archiveWithCustom(String field, String jsonText) {
    String metadata =
        new String(TestArchives.targetsJson("release", TARGETS), StandardCharsets.UTF_8);
    String value = field.equals("name") ? "\"name\":\"release\"" : "\"system_version\":\"1.0.0\"";
    assertThat(metadata).contains(value);
    TestArchives archive =
        new TestArchives()
            .file(
                "targets.json", metadata.replace(value, "\"" + field + "\":\"" + jsonText + "\""));
    TARGETS.forEach((name, bytes) -> archive.file("targets/" + name, bytes));
    return archive;
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(7).nextBytes(bytes);
    return bytes;
  }
}

package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.drydock.workflows.replication.DesiredArtifacts;
import io.drydock.workflows.replication.ReplicationActivities;
import io.drydock.workflows.replication.RequestOutcome;
import io.drydock.workflows.replication.SledReport;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replication activities against fake sled agents over HTTP, called through Temporal's activity
 * test environment (so their arguments and results also cross Temporal's serialization).
 */
class ReplicationActivitiesTest {
  private static final Map<String, byte[]> TARGETS =
      TestArchives.targets("host.img", "host image bytes", "sp.bin", "service processor");
  private static final String HOST = TestArchives.sha256("host image bytes");
  private static final String SP = TestArchives.sha256("service processor");

  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();
  private FakeSled sledA;
  private FakeSled sledB;
  private final List<FakeSled> started = new ArrayList<>();
  private TestActivityEnvironment temporal;
  private long generation;
  private List<String> artifacts;

  @BeforeEach
  void start() {
    database.upload.upload(TestArchives.repository("release", TARGETS).stream());
    sledA = sled();
    sledB = sled();
    database.registry.register("sled-a", sledA.baseUrl(), null);
    database.registry.register("sled-b", sledB.baseUrl(), null);
    DesiredArtifacts desired = database.store.desired();
    generation = desired.generation();
    artifacts = desired.artifacts();
  }

  @AfterEach
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
    started.forEach(FakeSled::close);
  }

  @Test
  void theDesiredArtifactsComeFromTheDatabase() {
    DesiredArtifacts desired = activities(Duration.ofMinutes(1)).loadDesiredArtifacts();

    assertThat(desired).isEqualTo(database.store.desired());
    assertThat(desired.inServiceSleds()).containsExactly("sled-a", "sled-b");
  }

  @Test
  void syncPutsTheConfigThenListsWhatTheSledHolds() {
    ReplicationActivities activities = activities(Duration.ofMinutes(1));

    SledReport report = activities.syncSled("sled-a", generation, artifacts);

    assertThat(report.state()).isEqualTo(SledReport.State.LISTED);
    assertThat(report.generation()).isEqualTo(generation);
    assertThat(report.copies()).isEmpty();
    assertThat(sledA.generation()).isEqualTo(generation);
    assertThat(sledA.config()).isEqualTo(artifacts);
    assertThat(lastRequests(2))
        .extracting(RecordedRequest::kind, RecordedRequest::ok)
        .containsExactly(tuple("list", true), tuple("config", true));
  }

  @Test
  void aSledWithANewerConfigMakesTheViewStale() {
    sledA.acceptConfig(generation + 5, List.of());

    SledReport report = activities(Duration.ofMinutes(1)).syncSled("sled-a", generation, artifacts);

    assertThat(report.state()).isEqualTo(SledReport.State.STALE);
    assertThat(report.error()).contains("HTTP 409 CONFIG_GENERATION");
    assertThat(sledA.generation()).isEqualTo(generation + 5);
    assertThat(lastRequests(1).get(0).error()).contains("CONFIG_GENERATION");
  }

  @Test
  void aSledListingAnotherGenerationMakesTheViewStale() {
    sledA.listedGeneration = generation + 1;

    SledReport report = activities(Duration.ofMinutes(1)).syncSled("sled-a", generation, artifacts);

    assertThat(report.state()).isEqualTo(SledReport.State.STALE);
    assertThat(report.generation()).isEqualTo(generation + 1);
  }

  @Test
  void aSledRefusingConnectionsIsUnreachableWithTheError() throws IOException {
    database.registry.register("sled-down", "http://127.0.0.1:" + closedPort(), null);

    SledReport report =
        activities(Duration.ofMinutes(1)).syncSled("sled-down", generation, artifacts);

    assertThat(report.state()).isEqualTo(SledReport.State.UNREACHABLE);
    assertThat(report.error()).contains("unreachable").contains("ConnectException");
    assertThat(report.copies()).isEmpty();
  }

  @Test
  void aSledAnsweringWithAServerErrorIsUnreachable() {
    sledA.failAll = 503;

    SledReport report = activities(Duration.ofMinutes(1)).syncSled("sled-a", generation, artifacts);

    assertThat(report.state()).isEqualTo(SledReport.State.UNREACHABLE);
    assertThat(report.error()).isEqualTo("HTTP 503 INTERNAL: failing on purpose");
  }

  /**
   * A sled's error is text from outside: a NUL in it made PostgreSQL refuse the request log's row.
   */
  @Test
  void aSledErrorWithControlCharactersIsLoggedPrintably() {
    sledA.failAll = 500;
    sledA.failMessage = "disk\u0000full\u001b[2J";

    SledReport report = activities(Duration.ofMinutes(1)).syncSled("sled-a", generation, artifacts);

    String printable = "HTTP 500 INTERNAL: disk\\u0000full\\u001B[2J";
    assertThat(report.error()).isEqualTo(printable);
    assertThat(lastRequests(1).get(0))
        .extracting(RecordedRequest::kind, RecordedRequest::ok, RecordedRequest::error)
        .containsExactly("config", false, printable);
  }

  @Test
  void aPutStreamsTheArtifactFromTheDepotAndTheSledVerifiesIt() {
    ReplicationActivities activities = activities(Duration.ofMinutes(1));
    activities.syncSled("sled-a", generation, artifacts);

    RequestOutcome outcome = activities.putArtifact("sled-a", generation, HOST);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(outcome.bytesSentByDepot()).isEqualTo(TARGETS.get("host.img").length);
    assertThat(sledA.stored().get(HOST)).isEqualTo(TARGETS.get("host.img"));
    assertThat(activities.syncSled("sled-a", generation, artifacts).copies())
        .containsOnlyKeys(HOST);
    assertThat(lastRequests(3).get(2).kind()).isEqualTo("put");
  }

  /**
   * A zero-length TUF target is legal: its put is an empty body with Content-Length: 0, not a
   * failure.
   */
  @Test
  void anEmptyArtifactIsPutWithAnEmptyBody() {
    String empty = TestArchives.sha256(new byte[0]);
    database.upload.upload(
        TestArchives.repository("with-empty", Map.of("empty.bin", new byte[0])).stream());
    DesiredArtifacts desired = database.store.desired();
    ReplicationActivities activities = activities(Duration.ofMinutes(1));
    activities.syncSled("sled-a", desired.generation(), desired.artifacts());

    RequestOutcome outcome = activities.putArtifact("sled-a", desired.generation(), empty);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(outcome.bytesSentByDepot()).isZero();
    assertThat(sledA.stored().get(empty)).isEmpty();
    assertThat(sledA.putContentLengths).containsEntry(empty, "0");
    assertThat(lastRequests(1).get(0))
        .extracting(RecordedRequest::kind, RecordedRequest::sha256, RecordedRequest::ok)
        .containsExactly("put", empty, true);
    assertThat(activities.syncSled("sled-a", desired.generation(), desired.artifacts()).copies())
        .containsOnlyKeys(empty);
  }

  /**
   * A request that fails before it is sent (here: a registered URL from before the registry's
   * checks that this JDK's URI parser refuses) is a failed answer with its error in the request
   * log, never an exception that leaves no trace.
   */
  @Test
  void aRequestThatCannotBeMadeIsAFailedAnswerInTheRequestLog() {
    database
        .jdbc
        .sql("INSERT INTO sleds (id, base_url) VALUES ('sled-odd', 'http://127.0.0.1:1/%zz')")
        .update();
    ReplicationActivities activities = activities(Duration.ofMinutes(1));

    SledReport sync = activities.syncSled("sled-odd", generation, artifacts);
    RequestOutcome put = activities.putArtifact("sled-odd", generation, HOST);
    RequestOutcome copy = activities.copyArtifact("sled-odd", "sled-a", generation, HOST);

    assertThat(sync.state()).isEqualTo(SledReport.State.UNREACHABLE);
    assertThat(sync.error())
        .contains("the request could not be made")
        .contains("no request was sent");
    assertThat(List.of(put, copy)).allSatisfy(outcome -> assertThat(outcome.ok()).isFalse());
    assertThat(put.error()).contains("the request could not be made");
    assertThat(lastRequests(3))
        .extracting(RecordedRequest::kind, RecordedRequest::targetSled, RecordedRequest::ok)
        .containsExactly(
            tuple("copy", "sled-odd", false),
            tuple("put", "sled-odd", false),
            tuple("config", "sled-odd", false));
    assertThat(lastRequests(2).get(1).error()).isEqualTo(put.error());
    assertThat(sledA.requests).isEmpty();
  }

  @Test
  void aPutTheSledRefusesIsAFailedOutcomeWithItsError() {
    RequestOutcome outcome =
        activities(Duration.ofMinutes(1)).putArtifact("sled-a", generation, HOST);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error()).contains("HTTP 409 CONFIG_GENERATION");
    assertThat(sledA.stored()).isEmpty();
    assertThat(lastRequests(1).get(0))
        .extracting(RecordedRequest::kind, RecordedRequest::ok)
        .containsExactly("put", false);
  }

  @Test
  void aPutOfAnArtifactTheDepotNoLongerHoldsSendsNothing() {
    String id = database.store.list().get(0).id();
    database.store.freeLocalCopies(id, generation);

    RequestOutcome outcome =
        activities(Duration.ofMinutes(1)).putArtifact("sled-a", generation, HOST);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error()).contains("does not hold");
    assertThat(sledA.requests).isEmpty();
  }

  @Test
  void aCopyNamesTheSourcesRegisteredUrlAndPollsUntilTheTargetListsIt() {
    ReplicationActivities activities = activities(Duration.ofMinutes(1));
    activities.syncSled("sled-a", generation, artifacts);
    activities.syncSled("sled-b", generation, artifacts);
    activities.putArtifact("sled-a", generation, SP);
    sledB.listingsBeforeCopyLands.set(3);

    RequestOutcome outcome = activities.copyArtifact("sled-b", "sled-a", generation, SP);

    assertThat(outcome.ok()).as(outcome.error()).isTrue();
    assertThat(outcome.bytesSentByDepot()).isZero();
    assertThat(sledB.stored().get(SP)).isEqualTo(TARGETS.get("sp.bin"));
    assertThat(sledA.requests).contains("GET /artifact/sha256/" + SP);
    assertThat(sledB.requests.stream().filter(r -> r.equals("GET /artifacts")).count())
        .isGreaterThanOrEqualTo(5);
    RecordedRequest copy = lastRequests(1).get(0);
    assertThat(copy)
        .extracting(RecordedRequest::kind, RecordedRequest::sourceSled, RecordedRequest::ok)
        .containsExactly("copy", "sled-a", true);
  }

  @Test
  void aCopyThatNeverLandsFailsAfterTheTimeLimit() {
    ReplicationActivities activities = activities(Duration.ofSeconds(1));
    activities.syncSled("sled-b", generation, artifacts);
    sledB.dropCopies = true;

    RequestOutcome outcome = activities.copyArtifact("sled-b", "sled-a", generation, SP);

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error()).startsWith("not listed within 1 s");
  }

  @Test
  void theRequestLogKeepsTheLast4096Requests() {
    database
        .jdbc
        .sql(
            """
            INSERT INTO replication_requests (kind, target_sled, generation, ok)
            SELECT 'list', 'old-' || n, 1, TRUE FROM generate_series(1, 4095) AS n""")
        .update();
    ReplicationActivities activities = activities(Duration.ofMinutes(1));

    activities.syncSled("sled-a", generation, artifacts);
    activities.syncSled("sled-b", generation, artifacts);

    assertThat(database.count("replication_requests")).isEqualTo(RequestLog.CAPACITY);
    List<RecordedRequest> recent = database.requests.recent(RequestLog.CAPACITY);
    assertThat(recent).hasSize(RequestLog.CAPACITY);
    assertThat(recent.subList(0, 4))
        .extracting(RecordedRequest::targetSled)
        .containsExactly("sled-b", "sled-b", "sled-a", "sled-a");
    assertThat(recent.get(RequestLog.CAPACITY - 1).targetSled()).isEqualTo("old-4");
  }

  /**
   * Sled ids are looked up, never used as addresses: an id that is a URL, a source that is a URL,
   * or a hash that is a path sends no request anywhere.
   */
  @Test
  void aUrlSmuggledInPlaceOfASledIdOrAHashIsNeverContacted() {
    FakeSled attacker = sled();
    ReplicationActivities activities = activities(Duration.ofMinutes(1));
    activities.syncSled("sled-a", generation, artifacts);
    int sledARequests = sledA.requests.size();

    SledReport sync = activities.syncSled(attacker.baseUrl(), generation, artifacts);
    RequestOutcome put = activities.putArtifact(attacker.baseUrl() + "/", generation, HOST);
    RequestOutcome copyFrom =
        activities.copyArtifact("sled-a", attacker.baseUrl(), generation, HOST);
    RequestOutcome copyTo = activities.copyArtifact(attacker.baseUrl(), "sled-a", generation, HOST);
    RequestOutcome pathAsHash =
        activities.copyArtifact("sled-a", "sled-b", generation, "../../x?u=" + attacker.baseUrl());

    assertThat(sync.state()).isEqualTo(SledReport.State.UNREACHABLE);
    assertThat(sync.error()).contains("not registered").contains("no request was sent");
    assertThat(List.of(put, copyFrom, copyTo, pathAsHash))
        .allSatisfy(outcome -> assertThat(outcome.ok()).isFalse());
    assertThat(copyFrom.error()).contains("source sled");
    assertThat(pathAsHash.error()).contains("is not a sha256");
    assertThat(attacker.requests).isEmpty();
    assertThat(sledA.requests).hasSize(sledARequests);
  }

  @Test
  void freeingLocalCopiesRemovesTheDepotFiles() {
    String id = database.store.list().get(0).id();

    assertThat(activities(Duration.ofMinutes(1)).freeLocalCopies(id, generation)).isTrue();

    assertThat(database.depotFiles()).isEmpty();
    assertThat(database.store.desired().localRepositories()).isEmpty();
  }

  private ReplicationActivities activities(Duration copyTimeout) {
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(database.activities(copyTimeout));
    return temporal.newActivityStub(
        ReplicationActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private FakeSled sled() {
    FakeSled sled = new FakeSled();
    started.add(sled);
    return sled;
  }

  /** The last {@code n} requests of the log, newest first. */
  private List<RecordedRequest> lastRequests(int n) {
    return database.requests.recent(n);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clair's indexer API, the bulk rescans and the scan status on the whole stack (real Temporal
 * server, PostgreSQL), on manifests imported through the import API; and Clair's bug (seed 000)
 * replayed on it: a load of a stored report that times out must neither replace nor hide the
 * report.
 */
class ScanEndToEndTest {
  /**
   * Copies of the demo repositories (same links, same blobs): the import tests of the shared stack
   * import the demo repositories themselves and expect them untouched.
   */
  private static final String DEBIAN = "scan/debian";

  private static final String ALPINE = "scan/alpine";

  /**
   * Enough manifests that a bulk rescan one at a time is still running while the test pauses and
   * cancels it.
   */
  private static final String PACED = "scan/paced";

  private static final int PACED_MANIFESTS = 30;
  private static final String UNKNOWN_DIGEST = "sha256:" + "1".repeat(64);
  private static final String AFFECTED_MANIFEST = "/indexer/api/v1/internal/affected_manifest/";

  /**
   * The installed binary packages of the demo's dpkg status (nano is removed, only its
   * configuration is kept).
   */
  private static final Map<String, String> DEBIAN_PACKAGES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("apt", "2.6.1"),
              Map.entry("base-files", "12.4+deb12u6"),
              Map.entry("bash", "5.2.15-2+b7"),
              Map.entry("ca-certificates", "20230311"),
              Map.entry("coreutils", "9.1-1"),
              Map.entry("debconf", "1.5.82"),
              Map.entry("debianutils", "5.7-0.5~deb12u1"),
              Map.entry("gcc-12-base", "12.2.0-14"),
              Map.entry("libapt-pkg6.0", "2.6.1"),
              Map.entry("libc6", "2.36-9+deb12u7"),
              Map.entry("libgcc-s1", "12.2.0-14"),
              Map.entry("libssl3", "3.0.13-1~deb12u1"),
              Map.entry("libtinfo6", "6.4-4"),
              Map.entry("tzdata", "2024a-0+deb12u1"),
              Map.entry("zlib1g", "1:1.2.13.dfsg-1")));

  private static final Map<String, String> ALPINE_PACKAGES =
      new TreeMap<>(
          Map.of(
              "alpine-baselayout", "3.6.5-r0",
              "alpine-release", "3.20.3-r0",
              "busybox", "1.36.1-r29",
              "libcrypto3", "3.3.2-r0",
              "libssl3", "3.3.2-r0",
              "musl", "1.2.5-r0",
              "zlib", "1.3.1-r1"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private static DrydockStack stack;
  private static ScanTestClient client;
  private static ScanAudit audit;
  private static ExecutorService requests;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    client = new ScanTestClient(stack.baseUrl);
    audit = ScanAudit.install(stack.database);
    requests = Executors.newFixedThreadPool(4);
    stack.copyRepository("demo/debian", DEBIAN);
    stack.copyRepository("demo/alpine", ALPINE);
    client.importRepository(DEBIAN);
    client.importRepository(ALPINE);
  }

  @AfterAll
  static void stopRequests() {
    if (requests != null) {
      requests.shutdownNow();
    }
  }

  @Test
  void indexesADebianImageIntoTheInstalledPackagesOfItsDpkgStatusAndItsDistribution() {
    String digest = digestOf(DEBIAN);

    HttpResponse<String> indexed = indexAfresh(digest);

    JsonNode report = DrydockStack.json(indexed);
    assertThat(report.path("manifest_hash").asText()).isEqualTo(digest);
    assertThat(report.path("state").asText()).isEqualTo("IndexFinished");
    assertThat(report.path("success").asBoolean()).isTrue();
    assertThat(report.path("err").asText()).isEmpty();
    assertThat(binaryPackages(report)).isEqualTo(DEBIAN_PACKAGES);
    // Every package names its source package, its own name and version when the status file has no
    // Source: (as
    // quay/claircore dpkg/scanner.go fills it); only claircore's fields, so no package_db.
    report
        .path("packages")
        .forEach(
            p -> {
              assertThat(p.path("source").path("kind").asText())
                  .as("source of %s", p)
                  .isEqualTo("source");
              assertThat(p.has("package_db")).as("package_db of %s", p).isFalse();
            });
    JsonNode libssl = packageNamed(report, "libssl3");
    assertThat(libssl.path("source").path("name").asText()).isEqualTo("openssl");
    JsonNode tzdata = packageNamed(report, "tzdata");
    assertThat(
            tzdata.path("source").path("name").asText()
                + " "
                + tzdata.path("source").path("version").asText())
        .isEqualTo("tzdata 2024a-0+deb12u1");
    JsonNode distribution = onlyDistribution(report);
    assertThat(distribution.path("did").asText()).isEqualTo("debian");
    assertThat(distribution.path("version_id").asText()).isEqualTo("12");
    assertThat(distribution.path("version_code_name").asText()).isEqualTo("bookworm");
    assertThat(distribution.path("pretty_name").asText())
        .isEqualTo("Debian GNU/Linux 12 (bookworm)");

    HttpResponse<String> stored =
        client.send("GET", "/indexer/api/v1/index_report/" + digest, null);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).as("served as stored, byte for byte").isEqualTo(indexed.body());
    assertThat(client.scanStatuses(DEBIAN, 10)).containsExactly(Map.entry(digest, "finished"));
  }

  @Test
  void aSecondRequestReusesTheCurrentReportWithoutWritingIt() {
    String digest = digestOf(DEBIAN);
    HttpResponse<String> first = client.indexReport(digest);
    assertThat(first.statusCode()).isEqualTo(201);
    Timestamp writtenAt = writtenAt(digest);
    long auditBefore = audit.lastId();

    HttpResponse<String> second = client.indexReport(digest);

    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(writtenAt(digest)).as("written_at").isEqualTo(writtenAt);
    assertThat(audit.writesAfter(auditBefore, digest)).as("writes of index_reports").isEmpty();
  }

  @Test
  void theIndexStateIsTheScannerSetsHashAlsoAsETag() {
    HttpResponse<String> state = client.send("GET", "/indexer/api/v1/index_state", null);

    assertThat(state.statusCode()).isEqualTo(200);
    String expected = ScannerSet.current().indexState();
    assertThat(DrydockStack.json(state).path("state").asText()).isEqualTo(expected);
    assertThat(state.headers().firstValue("ETag")).contains("\"" + expected + "\"");
  }

  @Test
  void indexesAnAlpineImageFromItsApkDatabase() {
    String digest = digestOf(ALPINE);

    HttpResponse<String> indexed = indexAfresh(digest);

    JsonNode report = DrydockStack.json(indexed);
    assertThat(report.path("state").asText()).isEqualTo("IndexFinished");
    assertThat(binaryPackages(report)).isEqualTo(ALPINE_PACKAGES);
    report
        .path("packages")
        .forEach(
            p -> {
              assertThat(p.path("arch").asText()).isEqualTo("x86_64");
              assertThat(p.path("source").path("kind").asText())
                  .as("apk origin of %s", p)
                  .isEqualTo("source");
            });
    // claircore's package has no package_db (quay/claircore package.go, json:"-"); it is in the
    // environment.
    assertThat(report.path("packages").findValues("package_db")).isEmpty();
    report
        .path("environments")
        .forEach(
            environments ->
                assertThat(environments.path(0).path("package_db").asText())
                    .isEqualTo("lib/apk/db/installed"));
    JsonNode distribution = onlyDistribution(report);
    assertThat(distribution.path("did").asText()).isEqualTo("alpine");
    assertThat(distribution.path("version_id").asText()).isEqualTo("3.20.3");
    assertThat(client.send("GET", "/indexer/api/v1/index_report/" + digest, null).body())
        .isEqualTo(indexed.body());
  }

  @Test
  void theManifestsOwnLayersAreAcceptedAndTheirUrisAreNeverFetched() throws IOException {
    String digest = digestOf(DEBIAN);
    JsonNode manifest = stack.manifest(digest);
    try (ServerSocket layerServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String uri = "http://127.0.0.1:" + layerServer.getLocalPort() + "/blobs/";
      StringBuilder layers = new StringBuilder();
      for (JsonNode layer : manifest.path("layers")) {
        layers
            .append(layers.isEmpty() ? "" : ",")
            .append("{\"hash\":\"")
            .append(layer.path("digest").asText())
            .append("\",\"uri\":\"")
            .append(uri)
            .append(layer.path("digest").asText())
            .append("\",\"headers\":{\"Authorization\":[\"Basic c2VjcmV0\"]}}");
      }

      HttpResponse<String> indexed =
          indexAfresh(digest, "{\"hash\":\"" + digest + "\",\"layers\":[" + layers + "]}");

      assertThat(DrydockStack.json(indexed).path("state").asText()).isEqualTo("IndexFinished");
      // A fetch would have connected while the request was served; its connection would be waiting
      // to be accepted.
      layerServer.setSoTimeout(200);
      assertThatThrownBy(layerServer::accept)
          .as("a connection to the layers' uri")
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  static Stream<Arguments> badRequests() {
    String otherLayer = "sha256:" + "0".repeat(64);
    return Stream.of(
        Arguments.of(
            "POST",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"sha256:abc\"}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"md5:" + "a".repeat(32) + "\"}",
            400,
            "bad-request"),
        Arguments.of("POST", "/indexer/api/v1/index_report", "{}", 400, "bad-request"),
        Arguments.of(
            "POST", "/indexer/api/v1/index_report", "this is not JSON", 400, "bad-request"),
        Arguments.of("POST", "/indexer/api/v1/index_report", "", 400, "bad-request"),
        Arguments.of(
            "POST",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"{debian}\",\"layers\":[{\"hash\":\""
                + otherLayer
                + "\",\"uri\":\"http://example.com/\"}]}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"{debian}\",\"layers\":{}}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"" + UNKNOWN_DIGEST + "\"}",
            404,
            "not-found"),
        Arguments.of("GET", "/indexer/api/v1/index_report/sha256:abc", null, 400, "bad-request"),
        Arguments.of(
            "GET", "/indexer/api/v1/index_report/" + UNKNOWN_DIGEST, null, 404, "not-found"),
        Arguments.of("DELETE", "/indexer/api/v1/index_report/latest", null, 400, "bad-request"),
        Arguments.of(
            "DELETE",
            "/indexer/api/v1/index_report",
            "{\"hash\":\"{debian}\"}",
            400,
            "bad-request"),
        Arguments.of(
            "DELETE", "/indexer/api/v1/index_report", "[\"{debian}\", 7]", 400, "bad-request"),
        Arguments.of("POST", AFFECTED_MANIFEST, "", 400, "bad-request"),
        Arguments.of("POST", AFFECTED_MANIFEST, "not JSON", 400, "bad-request"),
        Arguments.of("POST", AFFECTED_MANIFEST, "[]", 400, "bad-request"),
        Arguments.of("POST", AFFECTED_MANIFEST, "{\"vulnerabilities\":{}}", 400, "bad-request"),
        Arguments.of("POST", AFFECTED_MANIFEST, "{\"vulnerabilities\":[7]}", 400, "bad-request"),
        // claircore dereferences a vulnerability's package: Clair fails on one without.
        Arguments.of(
            "POST",
            AFFECTED_MANIFEST,
            "{\"vulnerabilities\":[{\"id\":\"1\"}]}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            AFFECTED_MANIFEST,
            "{\"vulnerabilities\":[{\"id\":1,\"package\":{\"name\":\"bash\"}}]}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            AFFECTED_MANIFEST,
            "{\"vulnerabilities\":[{\"id\":\"1\",\"package\":{\"name\":\"bash\"},\"distribution\":{\"cpe\":\"bash 5\"}}]}",
            400,
            "bad-request"),
        Arguments.of(
            "POST",
            AFFECTED_MANIFEST,
            "{\"vulnerabilities\":[{\"id\":\"1\",\"package\":{\"name\":\"bash\"},\"normalized_severity\":\"Dire\"}]}",
            400,
            "bad-request"));
  }

  /**
   * Clair's notifier asking which manifests vulnerabilities affect, on the demo images indexed for
   * real: the Debian image's libssl3 3.0.13-1~deb12u1 (source openssl), zlib1g 1:1.2.13.dfsg-1
   * (source zlib), bash 5.2.15-2+b7 (source bash 5.2.15-2) and tzdata (its own source) on Debian 12
   * bookworm; the Alpine image's libssl3 3.3.2-r0 (origin openssl) on Alpine 3.20.3.
   * Vulnerabilities in claircore's JSON, as quay/clair's notifier sends them.
   */
  @Test
  void affectedManifestAnswersWhichIndexedManifestsEachVulnerabilityAffects() throws Exception {
    String debian = digestOf(DEBIAN);
    String alpine = digestOf(ALPINE);
    indexAfresh(debian);
    indexAfresh(alpine);
    String body =
        """
        {"vulnerabilities":[
          %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s
        ]}"""
            .formatted(
                // ~deb12u1 is below the fix 3.0.13-1; the installed version itself and an older ~
                // build are not.
                vulnerability(
                    "openssl-fixed-later", "openssl", "", "debian", "12", "", "3.0.13-1", "Medium"),
                vulnerability(
                    "openssl-fixed-installed",
                    "openssl",
                    "",
                    "debian",
                    "12",
                    "",
                    "3.0.13-1~deb12u1",
                    "Medium"),
                vulnerability(
                    "openssl-fixed-older",
                    "openssl",
                    "source",
                    "debian",
                    "",
                    "",
                    "3.0.13-1~deb11u1",
                    "High"),
                // The epoch 1: puts the installed zlib1g above 1.2.14.
                vulnerability(
                    "zlib-no-epoch", "zlib1g", "binary", "debian", "", "", "1.2.14", "Critical"),
                vulnerability(
                    "zlib-epoch",
                    "zlib",
                    "source",
                    "debian",
                    "",
                    "",
                    "1:1.2.13.dfsg-2",
                    "Critical"),
                // libssl3 is a binary package only; bash's source, on bookworm but not trixie.
                vulnerability("libssl3-as-source", "libssl3", "source", "", "", "", "", "High"),
                vulnerability(
                    "bash-bookworm", "bash", "source", "debian", "", "bookworm", "", "Low"),
                vulnerability("bash-trixie", "bash", "source", "debian", "", "trixie", "", "Low"),
                // Any distribution, any version: both images.
                vulnerability(
                    "libssl3-anywhere", "libssl3", "binary", "", "", "", "", "Negligible"),
                // apk's order on Alpine: 3.3.2-r0 is below 3.3.2-r1, not below itself.
                vulnerability(
                    "openssl-alpine", "openssl", "", "alpine", "3.20.3", "", "3.3.2-r1", "High"),
                vulnerability(
                    "openssl-alpine-installed",
                    "openssl",
                    "",
                    "alpine",
                    "",
                    "",
                    "3.3.2-r0",
                    "High"));

    HttpResponse<String> response = client.send("POST", AFFECTED_MANIFEST, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = DrydockStack.json(response);
    List<String> asked = new ArrayList<>();
    answer.path("vulnerabilities").fieldNames().forEachRemaining(asked::add);
    assertThat(asked)
        .as(
            "every vulnerability asked about, by id, as claircore's AffectedManifests.Add keeps them")
        .hasSize(11)
        .contains("bash-trixie", "openssl-alpine");
    assertThat(
            answer.path("vulnerabilities").path("zlib-epoch").path("package").path("name").asText())
        .isEqualTo("zlib");
    JsonNode manifests = answer.path("vulnerable_manifests");
    // Most severe first, as claircore's AffectedManifests.Sort; other tests' images may be affected
    // too.
    assertThat(JSON.convertValue(manifests.path(debian), List.class))
        .containsExactly("zlib-epoch", "openssl-fixed-later", "bash-bookworm", "libssl3-anywhere");
    assertThat(JSON.convertValue(manifests.path(alpine), List.class))
        .containsExactly("openssl-alpine", "libssl3-anywhere");
  }

  private static String vulnerability(
      String id,
      String packageName,
      String kind,
      String did,
      String versionId,
      String codeName,
      String fixedIn,
      String severity) {
    ObjectNode vulnerability = JSON.createObjectNode();
    vulnerability.put("id", id);
    vulnerability.put("updater", "test");
    vulnerability.put("name", "CVE-for-" + id);
    vulnerability.put("issued", "2026-12-01T00:00:00Z");
    vulnerability.put("normalized_severity", severity);
    ObjectNode pkg = vulnerability.putObject("package");
    pkg.put("id", "");
    pkg.put("name", packageName);
    pkg.put("version", "");
    pkg.put("kind", kind);
    if (!did.isEmpty()) {
      ObjectNode dist = vulnerability.putObject("distribution");
      dist.put("did", did);
      dist.put("version_id", versionId);
      dist.put("version_code_name", codeName);
    }
    vulnerability.put("fixed_in_version", fixedIn);
    return vulnerability.toString();
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
  @MethodSource("badRequests")
  void badInputIsRefusedInClairsEnvelopeAndWritesNothing(
      String method, String path, String body, int status, String code) {
    String digest = digestOf(DEBIAN);
    assertThat(client.indexReport(digest).statusCode()).isEqualTo(201);
    // Scoped to the manifests the requests name: imports of other tests have their manifests
    // indexed meanwhile.
    String named = " WHERE manifest_digest IN ('" + digest + "', '" + UNKNOWN_DIGEST + "')";
    long reports = count("SELECT count(*) FROM index_reports" + named);
    long statuses = count("SELECT count(*) FROM scan_status" + named);
    long auditBefore = audit.lastId();

    HttpResponse<String> response =
        client.send(method, path, body == null ? null : body.replace("{debian}", digest));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = DrydockStack.json(response);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(count("SELECT count(*) FROM index_reports" + named)).isEqualTo(reports);
    assertThat(count("SELECT count(*) FROM scan_status" + named)).isEqualTo(statuses);
    assertThat(audit.writesAfter(auditBefore, digest, UNKNOWN_DIGEST)).isEmpty();
    assertThat(
            count(
                "SELECT count(*) FROM scan_status WHERE manifest_digest = '"
                    + UNKNOWN_DIGEST
                    + "'"))
        .isZero();
    assertThatThrownBy(
            () ->
                stack
                    .workflows
                    .newUntypedWorkflowStub(ScanWorkflows.rescanWorkflowId(UNKNOWN_DIGEST))
                    .describe())
        .as("no rescan was started for a manifest the registry does not hold")
        .isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void deletesOneReportOrManyAndTheScanStatusWithThem() {
    String debian = digestOf(DEBIAN);
    String alpine = digestOf(ALPINE);
    assertThat(client.indexReport(debian).statusCode()).isEqualTo(201);
    assertThat(client.indexReport(alpine).statusCode()).isEqualTo(201);

    assertThat(client.send("DELETE", "/indexer/api/v1/index_report/" + debian, null).statusCode())
        .isEqualTo(204);
    assertThat(client.send("GET", "/indexer/api/v1/index_report/" + debian, null).statusCode())
        .isEqualTo(404);
    assertThat(client.scanStatuses(DEBIAN, 10)).containsExactly(Map.entry(debian, "unscanned"));
    assertThat(client.send("DELETE", "/indexer/api/v1/index_report/" + debian, null).statusCode())
        .as("deleting again")
        .isEqualTo(204);

    assertThat(client.indexReport(debian).statusCode()).isEqualTo(201);
    HttpResponse<String> deleted =
        client.send(
            "DELETE",
            "/indexer/api/v1/index_report",
            "[\""
                + debian
                + "\",\""
                + alpine
                + "\",\""
                + UNKNOWN_DIGEST
                + "\",\""
                + debian
                + "\"]");

    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(DrydockStack.json(deleted).toString())
        .as("the digests that had a report")
        .isEqualTo(
            "[\""
                + (debian.compareTo(alpine) < 0
                    ? debian + "\",\"" + alpine
                    : alpine + "\",\"" + debian)
                + "\"]");
    assertThat(client.send("GET", "/indexer/api/v1/index_report/" + alpine, null).statusCode())
        .isEqualTo(404);
    assertThat(client.scanStatuses(ALPINE, 10)).containsExactly(Map.entry(alpine, "unscanned"));
  }

  @Test
  void aBulkRescanOfOneRepositoryEndsFinishedWithEveryManifestDone() {
    String digest = digestOf(DEBIAN);
    assertThat(client.indexReport(digest).statusCode()).isEqualTo(201);
    Timestamp before = writtenAt(digest);

    String id = client.startBulkRescan(DEBIAN, 4);
    JsonNode finished = client.awaitBulkRescan(id, "finished", Duration.ofSeconds(60));

    assertThat(finished.path("workflow_id").asText()).isEqualTo("bulk-rescan/" + id);
    assertThat(finished.path("total").asLong()).isEqualTo(1);
    assertThat(finished.path("done").asLong()).isEqualTo(1);
    assertThat(finished.path("failed").asLong()).isZero();
    assertThat(writtenAt(digest)).as("forced: indexed again").isAfter(before);
    assertThat(client.scanStatuses(DEBIAN, 10)).containsExactly(Map.entry(digest, "finished"));
  }

  @Test
  void anOperatorPausesResumesAndCancelsABulkRescan() {
    DemoLegacyStorage.generateDebianImages(stack.legacyRoot, PACED, PACED_MANIFESTS);
    client.importRepository(PACED);
    ScanTestClient.stopImportIndexing(stack.workflows, stack.database, PACED);
    long finishedByImport = finishedStatuses(PACED);
    String id = client.startBulkRescan(PACED, 1);
    DrydockStack.await(
        () -> client.bulkRescan(id).path("done").asLong(),
        done -> done >= 1,
        Duration.ofSeconds(60),
        "a first rescan of " + PACED);

    HttpResponse<String> paused =
        client.send("POST", "/api/v1/operator/rescans/" + id + "/pause", null);

    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(202);
    assertThat(DrydockStack.json(paused).path("state").asText()).isEqualTo("paused");
    // The rescan running at the pause finishes; no other starts.
    DrydockStack.await(
        () -> runningChildren(id),
        n -> n == 0,
        Duration.ofSeconds(60),
        "the running rescan of " + PACED + " to end");
    long doneWhenPaused = client.bulkRescan(id).path("done").asLong();
    long finishedWhenPaused = finishedStatuses(PACED);
    SeparateWorkersStack.sleep(Duration.ofSeconds(2));
    JsonNode stillPaused = client.bulkRescan(id);
    assertThat(stillPaused.path("state").asText()).isEqualTo("paused");
    assertThat(stillPaused.path("done").asLong()).isEqualTo(doneWhenPaused);
    assertThat(finishedStatuses(PACED)).isEqualTo(finishedWhenPaused);
    assertThat(runningChildren(id)).isZero();

    HttpResponse<String> resumed =
        client.send("POST", "/api/v1/operator/rescans/" + id + "/resume", null);
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
    assertThat(DrydockStack.json(resumed).path("state").asText()).isEqualTo("running");
    DrydockStack.await(
        () -> client.bulkRescan(id).path("done").asLong(),
        done -> done > doneWhenPaused,
        Duration.ofSeconds(60),
        "rescans after the resume");

    HttpResponse<String> canceled =
        client.send("POST", "/api/v1/operator/rescans/" + id + "/cancel", null);
    assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(202);
    assertThat(DrydockStack.json(canceled).path("state").asText()).isIn("canceling", "canceled");
    JsonNode end = client.awaitBulkRescan(id, "canceled", Duration.ofSeconds(60));

    System.out.printf(
        "[drydock-tests] scan: bulk rescan of %d manifests paused at %d done, canceled at %d done%n",
        end.path("total").asLong(), doneWhenPaused, end.path("done").asLong());
    assertThat(end.path("total").asLong()).isEqualTo(PACED_MANIFESTS);
    assertThat(end.path("done").asLong()).isGreaterThan(doneWhenPaused).isLessThan(PACED_MANIFESTS);
    assertThat(end.path("failed").asLong()).isZero();
    assertThat(finishedStatuses(PACED))
        .as("finished by the import's own (canceled) indexing, or by this rescan")
        .isBetween(end.path("done").asLong(), end.path("done").asLong() + finishedByImport);
    assertThat(inFlight(PACED)).as("a cancel leaves no manifest scheduled or scanning").isZero();
    HttpResponse<String> afterEnd =
        client.send("POST", "/api/v1/operator/rescans/" + id + "/resume", null);
    assertThat(afterEnd.statusCode()).as(afterEnd.body()).isEqualTo(409);
    assertThat(DrydockStack.errorCode(afterEnd)).isEqualTo("RESCAN_NOT_RUNNING");
  }

  @Test
  void operatorSignalsOfUnknownBulkRescansOrSignalsAreRefused() {
    String unknown = "00000000-0000-0000-0000-000000000000";
    assertThat(client.send("GET", "/api/v1/rescans/" + unknown, null).statusCode()).isEqualTo(404);
    assertThat(client.send("GET", "/api/v1/rescans/not-a-uuid", null).statusCode()).isEqualTo(400);
    assertThat(
            client.send("POST", "/api/v1/operator/rescans/" + unknown + "/stop", null).statusCode())
        .isEqualTo(404);
    assertThat(
            client
                .send("POST", "/api/v1/rescans", "{\"repository\":\"no/such-repository\"}")
                .statusCode())
        .isEqualTo(404);
    assertThat(client.send("POST", "/api/v1/rescans", "{\"concurrency\":0}").statusCode())
        .isEqualTo(400);
  }

  /**
   * Seed 000 replayed: a finished report is stored; loading it times out (the table is locked
   * longer than the statement timeout) while clients keep asking for it. Clair stored an empty
   * report at this point and served it forever. Here the timed-out check is retried, nothing is
   * written, and once the lock goes every client gets the stored report, byte for byte.
   */
  @Test
  void aReportWhoseLoadTimesOutIsNeitherReplacedNorHiddenAndIsServedOnceTheLoadSucceeds()
      throws Exception {
    String digest = digestOf(DEBIAN);
    HttpResponse<String> first = client.indexReport(digest);
    assertThat(first.statusCode()).isEqualTo(201);
    String storedBefore = storedReport(digest);
    Timestamp writtenAt = writtenAt(digest);
    long auditBefore = audit.lastId();
    int clients = 3;

    List<CompletableFuture<HttpResponse<String>>> answers;
    int checkAttempts;
    Instant locked;
    try (Connection lock = stack.applicationDataSource.getConnection()) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute("LOCK TABLE index_reports IN ACCESS EXCLUSIVE MODE");
      }
      locked = Instant.now();
      answers =
          IntStream.range(0, clients)
              .mapToObj(
                  i -> CompletableFuture.supplyAsync(() -> client.indexReport(digest), requests))
              .toList();
      PendingActivityInfo check = awaitTimedOutChecks(digest, 2);
      checkAttempts = check.getAttempt();
      System.out.printf(
          "[drydock-tests] scan: index_reports locked %d ms; checkManifest attempt %d pending after: %s%n",
          Duration.between(locked, Instant.now()).toMillis(),
          checkAttempts,
          failureText(check.getLastFailure())
              .lines()
              .filter(l -> l.contains("statement timeout"))
              .findFirst()
              .orElse(""));
      assertThat(answers)
          .as("no answer while the report cannot be loaded")
          .noneMatch(CompletableFuture::isDone);
      lock.rollback();
    }

    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get();
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      assertThat(response.body()).as("the stored report, byte for byte").isEqualTo(first.body());
    }
    System.out.printf(
        "[drydock-tests] scan: %d clients served the stored report %d ms after the lock was taken%n",
        clients, Duration.between(locked, Instant.now()).toMillis());
    assertThat(storedReport(digest)).isEqualTo(storedBefore);
    assertThat(writtenAt(digest)).isEqualTo(writtenAt);
    assertThat(audit.writesAfter(auditBefore, digest))
        .as("nothing written for the manifest, empty or not")
        .isEmpty();
    assertThat(client.indexReport(digest).body()).isEqualTo(first.body());
    assertThat(client.send("GET", "/indexer/api/v1/index_report/" + digest, null).body())
        .isEqualTo(first.body());
    assertThat(client.scanStatuses(DEBIAN, 10)).containsExactly(Map.entry(digest, "finished"));
    assertThat(ScanAudit.violations(audit.writesAfter(0)))
        .as("writes Clair's bug would have made")
        .isEmpty();
  }

  /**
   * The failure's message and its causes' (a large failure's own message only says it was
   * truncated).
   */
  private static String failureText(Failure failure) {
    StringBuilder text = new StringBuilder();
    for (Failure f = failure; f != null; f = f.hasCause() ? f.getCause() : null) {
      text.append(f.getMessage()).append('\n');
    }
    return text.toString();
  }

  /**
   * The rescan's check activity once it has failed {@code failures} times on a statement timeout.
   */
  private static PendingActivityInfo awaitTimedOutChecks(String digest, int failures) {
    return DrydockStack.await(
        () ->
            pendingActivities(ScanWorkflows.rescanWorkflowId(digest)).stream()
                .filter(a -> a.getActivityType().getName().equals("CheckManifest"))
                .findFirst()
                .orElse(null),
        check ->
            check != null
                && check.getAttempt() > failures
                && failureText(check.getLastFailure())
                    .contains("canceling statement due to statement timeout"),
        Duration.ofSeconds(90),
        "the rescan's check to fail " + failures + " times on a statement timeout");
  }

  /** The pending activities of the workflow's running run, found through visibility. */
  private static List<PendingActivityInfo> pendingActivities(String workflowId) {
    return stack
        .workflows
        .listExecutions("WorkflowId = '" + workflowId + "' AND ExecutionStatus = 'Running'")
        .map(
            run ->
                stack
                    .workflows
                    .newUntypedWorkflowStub(
                        workflowId, Optional.of(run.getExecution().getRunId()), Optional.empty())
                    .describe()
                    .getRawDescription()
                    .getPendingActivitiesList())
        .findFirst()
        .orElse(List.of());
  }

  /**
   * Deletes the manifest's report, so that it is indexed, not reused; answers the POST that indexed
   * it.
   */
  private static HttpResponse<String> indexAfresh(String digest) {
    return indexAfresh(digest, "{\"hash\":\"" + digest + "\"}");
  }

  private static HttpResponse<String> indexAfresh(String digest, String requestBody) {
    assertThat(client.send("DELETE", "/indexer/api/v1/index_report/" + digest, null).statusCode())
        .isEqualTo(204);
    HttpResponse<String> indexed = client.send("POST", "/indexer/api/v1/index_report", requestBody);
    assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
    return indexed;
  }

  private static Map<String, String> binaryPackages(JsonNode report) {
    Map<String, String> packages = new TreeMap<>();
    report
        .path("packages")
        .forEach(
            p -> {
              if ("binary".equals(p.path("kind").asText())) {
                packages.put(p.path("name").asText(), p.path("version").asText());
              }
            });
    return packages;
  }

  private static JsonNode packageNamed(JsonNode report, String name) {
    for (JsonNode p : report.path("packages")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no package " + name + " in " + report);
  }

  private static JsonNode onlyDistribution(JsonNode report) {
    assertThat(report.path("distributions").size()).isEqualTo(1);
    return report.path("distributions").elements().next();
  }

  /** The repository's one image manifest, as the scan status lists it. */
  private static String digestOf(String repository) {
    return client.scanStatuses(repository, 10).keySet().iterator().next();
  }

  /**
   * Child rescans the bulk rescan has started (or is starting) and not yet seen end, from its
   * mutable state.
   */
  private static int runningChildren(String bulkId) {
    return stack
        .workflows
        .newUntypedWorkflowStub(ScanWorkflows.bulkRescanWorkflowId(bulkId))
        .describe()
        .getRawDescription()
        .getPendingChildrenCount();
  }

  private static long inFlight(String repository) {
    return statusCount(repository, "s.status IN ('scheduled', 'scanning')");
  }

  private static long finishedStatuses(String repository) {
    return statusCount(repository, "s.status = 'finished'");
  }

  private static long statusCount(String repository, String condition) {
    return stack
        .database
        .sql(
            "SELECT count(*) FROM scan_status s JOIN manifests m ON m.digest = s.manifest_digest"
                + " JOIN repositories r ON r.id = m.repository_id WHERE r.path = ? AND "
                + condition)
        .param(repository)
        .query(Long.class)
        .single();
  }

  private static String storedReport(String digest) {
    return stack
        .database
        .sql("SELECT report FROM index_reports WHERE manifest_digest = ?")
        .param(digest)
        .query(String.class)
        .single();
  }

  private static Timestamp writtenAt(String digest) {
    return stack
        .database
        .sql("SELECT written_at FROM index_reports WHERE manifest_digest = ?")
        .param(digest)
        .query(Timestamp.class)
        .single();
  }

  private static long count(String sql) {
    return stack.database.sql(sql).query(Long.class).single();
  }
}

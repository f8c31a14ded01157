package io.drydock.api.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drydock.api.ApiApplication;
import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The replication API over HTTP: the API process as it ships (security, error envelope, database,
 * Temporal client) on a random port, with a fresh PostgreSQL database, a Temporal server of its
 * own, a stub workflow on the replication task queue, and sled agents in JDK HTTP servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationApiTest {
  private static final String SECRET = "replication-api-tests-hs256-secret";
  private static final long MAX_UPLOAD_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TemporalTestServer temporal;
  private static ConfigurableApplicationContext api;
  private static WorkerFactory workers;
  private static String baseUrl;
  private static final String OPERATOR = token(List.of("*", "operator"));

  /** The callers' action: enough to read, not to change anything. */
  private static final String READER = token(List.of("*"));

  @TempDir static Path directories;

  @BeforeAll
  static void startApi() throws IOException {
    temporal = TemporalTestServer.start(DrydockSearchAttributes.all());
    Files.createDirectories(directories.resolve("legacy/docker/registry/v2"));
    api =
        new SpringApplicationBuilder(ApiApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + TestPostgres.freshDatabase(),
                "--spring.temporal.connection.target=" + temporal.target(),
                "--drydock.legacy-storage-root=" + directories.resolve("legacy"),
                "--drydock.auth.jwt-secret=" + SECRET,
                "--drydock.replication.depot-dir=" + directories.resolve("depot"),
                "--drydock.tuf.allow-unsigned=true",
                "--drydock.replication.max-upload-bytes=" + MAX_UPLOAD_BYTES + "B",
                "--drydock.replication.activation-period=2m",
                "--drydock.replication.inventory-timeout=2s",
                "--drydock.replication.sleds=configured-1=http://127.0.0.1:" + closedPort());
    baseUrl = "http://127.0.0.1:" + api.getEnvironment().getProperty("local.server.port");
    workers = WorkerFactory.newInstance(api.getBean(WorkflowClient.class));
    workers
        .newWorker(ReplicationWorkflows.TASK_QUEUE)
        .registerWorkflowImplementationTypes(StubReplicationWorkflow.class);
    workers.start();
  }

  @AfterAll
  static void stopApi() {
    workers.shutdownNow();
    api.close();
    temporal.close();
  }

  @Test
  @Order(1)
  void beforeAnythingStartsItTheStatusSaysSoWithTheGenerationFromTheDatabase() {
    HttpResponse<String> status = send("GET", "/api/v1/replication", READER);

    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode body = json(status);
    assertThat(body.path("workflow").asText()).isEqualTo("not_started");
    assertThat(body.path("generation").asLong()).isEqualTo(1);
    assertThat(body.path("status").isNull()).isTrue();
    assertThat(body.path("recent_requests").isArray()).isTrue();
    HttpResponse<String> pause = send("POST", "/api/v1/replication/pause", OPERATOR);
    assertThat(pause.statusCode()).isEqualTo(409);
    assertThat(errorCode(pause)).isEqualTo("REPLICATION_NOT_RUNNING");
  }

  @Test
  @Order(2)
  void anUploadIsStoredThenStartsAndActivatesTheWorkflow() {
    Map<String, String> targets = Map.of("host.img", "host image", "sp.bin", "service processor");

    HttpResponse<String> created = upload(zip("release-1", targets, Map.of()));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode repository = json(created);
    String id = repository.path("id").asText();
    assertThat(created.headers().firstValue("Location"))
        .contains("/api/v1/artifact-repositories/" + id);
    assertThat(repository.path("name").asText()).isEqualTo("release-1");
    assertThat(repository.path("generation").asLong()).isEqualTo(2);
    assertThat(repository.path("artifacts").toString())
        .isEqualTo(
            "[{\"name\":\"host.img\",\"sha256\":\""
                + sha256("host image")
                + "\",\"length\":10,"
                + "\"kind\":null,\"version\":null},"
                + "{\"name\":\"sp.bin\",\"sha256\":\""
                + sha256("service processor")
                + "\",\"length\":17,"
                + "\"kind\":null,\"version\":null}]");
    JsonNode replication = awaitStatus(status -> status.path("activations").asLong() >= 1);
    assertThat(replication.path("settings").path("activation_period_seconds").asLong())
        .isEqualTo(120);
    assertThat(replication.path("settings").path("min_sled_replication").asInt()).isEqualTo(3);
    assertThat(replication.path("settings").path("max_requests_in_flight").asInt()).isEqualTo(8);

    HttpResponse<String> again = upload(zip("release-1", targets, Map.of()));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("generation").asLong()).isEqualTo(2);
    assertThat(json(send("GET", "/api/v1/artifact-repositories/" + id, READER)).path("id").asText())
        .isEqualTo(id);
    JsonNode list = json(send("GET", "/api/v1/artifact-repositories", READER));
    assertThat(list.path("generation").asLong()).isEqualTo(2);
    assertThat(list.path("repositories").get(0).path("artifacts").size()).isEqualTo(2);
  }

  @Test
  @Order(3)
  void deletingBumpsTheGenerationAndSignalsAndAnUnknownIdIs404() {
    String id =
        json(upload(zip("to-delete", Map.of("x.bin", "only here"), Map.of()))).path("id").asText();
    long activations = awaitStatus(status -> true).path("activations").asLong();
    long generation = generation();

    HttpResponse<String> deleted = send("DELETE", "/api/v1/artifact-repositories/" + id, OPERATOR);

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(generation()).isEqualTo(generation + 1);
    awaitStatus(status -> status.path("activations").asLong() > activations);
    assertThat(errorCode(send("GET", "/api/v1/artifact-repositories/" + id, READER)))
        .isEqualTo("REPOSITORY_UNKNOWN");
    HttpResponse<String> again = send("DELETE", "/api/v1/artifact-repositories/" + id, OPERATOR);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(generation()).isEqualTo(generation + 1);
    HttpResponse<String> badId =
        send("DELETE", "/api/v1/artifact-repositories/not-a-hash", OPERATOR);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(errorCode(badId)).isEqualTo("REPOSITORY_ID_INVALID");
  }

  @Test
  @Order(4)
  void badUploadsAreRefusedInTheEnvelopeAndChangeNothing() {
    long generation = generation();
    int repositories =
        json(send("GET", "/api/v1/artifact-repositories", READER)).path("repositories").size();

    HttpResponse<String> mismatch =
        upload(
            zip("bad", Map.of("a.bin", "listed bytes"), Map.of("targets/a.bin", "other bytes!")));
    HttpResponse<String> notZip =
        send("POST", "/api/v1/artifact-repositories", OPERATOR, "application/json", "{}");
    HttpResponse<String> tooLarge = upload(new byte[(int) MAX_UPLOAD_BYTES + 1]);
    HttpResponse<String> garbage = upload("not a zip".getBytes(StandardCharsets.UTF_8));

    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(json(mismatch).path("errors").get(0).path("code").asText())
        .isEqualTo("TARGET_INVALID");
    assertThat(json(mismatch).path("errors").get(0).path("detail").asText()).isEqualTo("a.bin");
    assertThat(notZip.statusCode()).isEqualTo(415);
    assertThat(errorCode(notZip)).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(errorCode(tooLarge)).isEqualTo("ARCHIVE_TOO_LARGE");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(errorCode(garbage)).isEqualTo("ARCHIVE_INVALID");
    assertThat(generation()).isEqualTo(generation);
    assertThat(
            json(send("GET", "/api/v1/artifact-repositories", READER)).path("repositories").size())
        .isEqualTo(repositories);
  }

  @Test
  @Order(5)
  void readsNeedTheImportActionAndChangesTheOperatorAction() {
    String operatorOnly = token(List.of("operator"));
    String noAction = token(List.of("pull"));

    assertThat(send("GET", "/api/v1/sleds", null).statusCode()).isEqualTo(401);
    assertThat(errorCode(send("GET", "/api/v1/sleds", null))).isEqualTo("UNAUTHORIZED");
    assertThat(send("GET", "/api/v1/sleds", READER).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/replication", READER).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/replication", operatorOnly).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/v1/artifact-repositories", noAction).statusCode()).isEqualTo(401);
    assertThat(upload(zip("r", Map.of("a", "a"), Map.of()), READER).statusCode()).isEqualTo(401);
    assertThat(upload(zip("r", Map.of("a", "a"), Map.of()), noAction).statusCode()).isEqualTo(401);
    assertThat(registerSled("sled-x", "http://127.0.0.1:1", READER).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/sleds/sled-x/expunge", READER).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/replication/activate", READER).statusCode()).isEqualTo(401);
    assertThat(errorCode(send("DELETE", "/api/v1/artifact-repositories/" + "0".repeat(64), READER)))
        .isEqualTo("UNAUTHORIZED");
  }

  @Test
  @Order(6)
  void sledsAreRegisteredUpdatedAndExpungedAndBadRegistrationsAreRefused() {
    String url = "http://127.0.0.1:" + closedPort();

    HttpResponse<String> created = registerSled("sled-1", url + "/", OPERATOR);
    HttpResponse<String> updated = registerSled("sled-1", url + "/agent", OPERATOR);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("base_url").asText()).isEqualTo(url);
    assertThat(json(created).path("state").asText()).isEqualTo("in_service");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated).path("base_url").asText()).isEqualTo(url + "/agent");
    assertThat(sledIds()).contains("configured-1", "sled-1");

    assertThat(errorCode(registerSled("Sled_1", url, OPERATOR))).isEqualTo("SLED_ID_INVALID");
    assertThat(errorCode(registerSled("sled-2", "ftp://127.0.0.1", OPERATOR)))
        .isEqualTo("SLED_URL_INVALID");
    assertThat(errorCode(registerSled("sled-2", "http://user:pw@127.0.0.1", OPERATOR)))
        .isEqualTo("SLED_URL_INVALID");
    for (String badPort :
        List.of(
            "http://127.0.0.1:99999", "http://127.0.0.1:0", "http://127.0.0.1:", "http://h:x")) {
      HttpResponse<String> refused = registerSled("sled-2", badPort, OPERATOR);
      assertThat(refused.statusCode()).as(badPort).isEqualTo(400);
      assertThat(errorCode(refused)).isEqualTo("SLED_URL_INVALID");
      assertThat(json(refused).path("errors").get(0).path("detail").asText())
          .contains("port must be a number from 1 to 65535");
    }
    assertThat(
            errorCode(
                send(
                    "PUT", "/api/v1/sleds/sled-2", OPERATOR, "application/json", "{\"base_url\":")))
        .isEqualTo("BAD_REQUEST");
    assertThat(errorCode(send("PUT", "/api/v1/sleds/sled-2", OPERATOR, "application/json", "")))
        .isEqualTo("BAD_REQUEST");
    assertThat(sledIds()).doesNotContain("sled-2");

    // A depot_url follows the rules of base_url, and without one the depot is at the base URL.
    assertThat(json(updated).path("depot_url").asText()).isEqualTo(url + "/agent");
    HttpResponse<String> withDepot =
        send(
            "PUT",
            "/api/v1/sleds/sled-1",
            OPERATOR,
            "application/json",
            "{\"base_url\":\"" + url + "\",\"depot_url\":\"HTTP://depot.sled-1:12348/\"}");
    assertThat(withDepot.statusCode()).as(withDepot.body()).isEqualTo(200);
    assertThat(json(withDepot).path("base_url").asText()).isEqualTo(url);
    assertThat(json(withDepot).path("depot_url").asText()).isEqualTo("http://depot.sled-1:12348");
    for (String badDepot :
        List.of("\"ftp://127.0.0.1\"", "\"http://u:p@127.0.0.1\"", "\"http://127.0.0.1:0\"", "7")) {
      HttpResponse<String> refused =
          send(
              "PUT",
              "/api/v1/sleds/sled-2",
              OPERATOR,
              "application/json",
              "{\"base_url\":\"" + url + "\",\"depot_url\":" + badDepot + "}");
      assertThat(refused.statusCode()).as(badDepot).isEqualTo(400);
      assertThat(errorCode(refused)).isEqualTo("SLED_URL_INVALID");
      assertThat(json(refused).path("errors").get(0).path("detail").asText())
          .startsWith("depot_url");
    }
    assertThat(sledIds()).doesNotContain("sled-2");

    HttpResponse<String> expunged = send("POST", "/api/v1/sleds/sled-1/expunge", OPERATOR);
    assertThat(expunged.statusCode()).isEqualTo(200);
    assertThat(json(expunged).path("state").asText()).isEqualTo("expunged");
    HttpResponse<String> back = registerSled("sled-1", url, OPERATOR);
    assertThat(back.statusCode()).isEqualTo(409);
    assertThat(errorCode(back)).isEqualTo("SLED_EXPUNGED");
    assertThat(errorCode(send("POST", "/api/v1/sleds/no-such-sled/expunge", OPERATOR)))
        .isEqualTo("SLED_UNKNOWN");
  }

  @Test
  @Order(7)
  void theInventoryMergesEverySledsAnswerReportsTheOneDownAndPagesAfterMerging() {
    expungeAllSleds();
    String a = sha256("a");
    String b = sha256("b");
    String c = sha256("c");
    try (InventorySled one = new InventorySled(listing(4, a, 1, b, 2), config(4, a, b));
        InventorySled two = new InventorySled(listing(4, b, 1, c, 1), config(4, b, c))) {
      registerSled("inv-one", one.baseUrl(), OPERATOR);
      registerSled("inv-two", two.baseUrl(), OPERATOR);
      registerSled("inv-down", "http://127.0.0.1:" + closedPort(), OPERATOR);

      HttpResponse<String> all = send("GET", "/api/v1/sleds/inventory", READER);

      assertThat(all.statusCode()).isEqualTo(200);
      JsonNode body = json(all);
      assertThat(body.path("artifacts"))
          .isEqualTo(
              JSON.valueToTree(
                  Map.of(
                      a, Map.of("sleds", 1, "copies", 1),
                      b, Map.of("sleds", 2, "copies", 3),
                      c, Map.of("sleds", 1, "copies", 1))));
      List<String> hashes = Stream.of(a, b, c).sorted().toList();
      assertThat(names(body.path("artifacts"))).isEqualTo(hashes);
      assertThat(body.path("sleds").findValuesAsText("id"))
          .containsExactlyInAnyOrder("inv-one", "inv-two");
      assertThat(body.path("sleds").get(0).path("generation").asLong()).isEqualTo(4);
      assertThat(body.path("sleds").get(0).path("config_generation").asLong()).isEqualTo(4);
      assertThat(body.path("errors").findValuesAsText("sled"))
          .containsExactly("inv-down", "inv-down");
      assertThat(body.path("next_after").isNull()).isTrue();

      JsonNode first = json(send("GET", "/api/v1/sleds/inventory?limit=2", READER));
      assertThat(first.path("artifacts").size()).isEqualTo(2);
      String next = first.path("next_after").asText();
      assertThat(next).isEqualTo(hashes.get(1));
      JsonNode second = json(send("GET", "/api/v1/sleds/inventory?limit=2&after=" + next, READER));
      assertThat(names(second.path("artifacts"))).containsExactly(hashes.get(2));
      assertThat(second.path("next_after").isNull()).isTrue();
      List<String> onSecondPage = new ArrayList<>();
      second.path("sleds").forEach(sled -> onSecondPage.addAll(names(sled.path("artifacts"))));
      assertThat(onSecondPage).containsOnly(hashes.get(2));
      assertThat(errorCode(send("GET", "/api/v1/sleds/inventory?limit=0", READER)))
          .isEqualTo("INVALID_QUERY_PARAMETER_VALUE");
      assertThat(errorCode(send("GET", "/api/v1/sleds/inventory?after=../x", READER)))
          .isEqualTo("INVALID_QUERY_PARAMETER_VALUE");
    } finally {
      expungeAllSleds();
    }
  }

  /**
   * Only registered sled URLs are ever contacted: an address in a query, a body or a path goes
   * nowhere.
   */
  @Test
  @Order(8)
  void aUrlSmuggledIntoARequestIsNeverContacted() {
    try (InventorySled attacker = new InventorySled(listing(1), config(1))) {
      String target = attacker.baseUrl();

      int inventory =
          send("GET", "/api/v1/sleds/inventory?url=" + target + "&base_url=" + target, READER)
              .statusCode();
      int activate =
          send(
                  "POST",
                  "/api/v1/replication/activate",
                  OPERATOR,
                  "application/json",
                  "{\"depot_base_url\":\"" + target + "\"}")
              .statusCode();
      HttpResponse<String> extraField =
          send(
              "PUT",
              "/api/v1/sleds/smuggler",
              OPERATOR,
              "application/json",
              "{\"base_url\":\"http://127.0.0.1:1\",\"depot_base_url\":\"" + target + "\"}");
      int pathUrl =
          send(
                  "POST",
                  "/api/v1/sleds/" + target.replace("/", "%2F").replace(":", "%3A") + "/expunge",
                  OPERATOR)
              .statusCode();

      assertThat(inventory).isEqualTo(200);
      assertThat(activate).isEqualTo(202);
      assertThat(extraField.statusCode()).isEqualTo(400);
      assertThat(sledIds()).doesNotContain("smuggler");
      assertThat(pathUrl).isEqualTo(400);
      assertThat(attacker.requests).isEmpty();
    }
  }

  @Test
  @Order(9)
  void operatorsActivatePauseAndResumeAndTheStatusShowsTheRequestLog() {
    long activations = awaitStatus(status -> true).path("activations").asLong();

    assertThat(send("POST", "/api/v1/replication/pause", OPERATOR).statusCode()).isEqualTo(202);
    awaitStatus(status -> status.path("paused").asBoolean());
    assertThat(send("POST", "/api/v1/replication/resume", OPERATOR).statusCode()).isEqualTo(202);
    awaitStatus(status -> !status.path("paused").asBoolean());
    HttpResponse<String> activated = send("POST", "/api/v1/replication/activate", OPERATOR);
    assertThat(activated.statusCode()).isEqualTo(202);
    assertThat(json(activated).path("workflow_id").asText())
        .isEqualTo(ReplicationWorkflows.WORKFLOW_ID);
    awaitStatus(status -> status.path("activations").asLong() > activations);
    assertThat(send("POST", "/api/v1/replication/rewind", OPERATOR).statusCode()).isEqualTo(404);
  }

  /**
   * Text that PostgreSQL cannot store (a NUL: it answered 500 before) or that has no place in a
   * stored name (control characters, unpaired surrogates) is refused with a 400 naming the field,
   * and nothing is stored.
   */
  @Test
  @Order(10)
  void controlCharactersInStoredTextAre400AndStoreNothing() throws IOException {
    long generation = generation();
    int repositories =
        json(send("GET", "/api/v1/artifact-repositories", READER)).path("repositories").size();
    List<Path> depot = depotFiles();
    String target = "{\"length\":1,\"hashes\":{\"sha256\":\"" + sha256("a") + "\"}}";

    HttpResponse<String> nulInName =
        upload(zip("release\\u0000-1", Map.of("a.bin", "a"), Map.of()));
    HttpResponse<String> deleteInVersion =
        upload(
            zip(
                "{\"signed\":{\"_type\":\"targets\",\"version\":1,\"custom\":{\"name\":\"r\","
                    + "\"system_version\":\"1.0\\u007f\"},\"targets\":{\"a.bin\":"
                    + target
                    + "}}}",
                Map.of("targets/a.bin", "a")));
    HttpResponse<String> controlInTarget =
        upload(
            zip(
                "{\"signed\":{\"_type\":\"targets\",\"version\":1,\"targets\":{\"a\\u0001b\":"
                    + target
                    + "}}}",
                Map.of()));
    HttpResponse<String> surrogateInName = upload(zip("r\\ud800", Map.of("a.bin", "a"), Map.of()));

    assertThat(nulInName.statusCode()).as(nulInName.body()).isEqualTo(400);
    JsonNode nul = json(nulInName).path("errors").get(0);
    assertThat(nul.path("code").asText()).isEqualTo("METADATA_INVALID");
    assertThat(nul.path("message").asText())
        .isEqualTo("signed.custom.name holds a control character (\\u0000) at index 7");
    assertThat(nul.path("detail").asText()).isEqualTo("release\\u0000-1");
    for (HttpResponse<String> refused :
        List.of(deleteInVersion, controlInTarget, surrogateInName)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(errorCode(refused)).isEqualTo("METADATA_INVALID");
    }
    assertThat(json(deleteInVersion).path("errors").get(0).path("message").asText())
        .startsWith("signed.custom.system_version holds a control character (\\u007F)");
    assertThat(json(controlInTarget).path("errors").get(0).path("detail").asText())
        .isEqualTo("a\\u0001b");
    assertThat(json(surrogateInName).path("errors").get(0).path("message").asText())
        .startsWith("signed.custom.name holds an unpaired surrogate (\\uD800)");

    for (String url :
        List.of("http://127.0.0.1:1/\\u0000", "http://127.0.0.1:1/a\\u0085", "http://h\\ud800:1")) {
      HttpResponse<String> refused = registerSled("sled-text", url, OPERATOR);
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      assertThat(errorCode(refused)).isEqualTo("SLED_URL_INVALID");
      assertThat(json(refused).path("errors").get(0).path("detail").asText())
          .startsWith("base_url holds");
    }
    assertThat(errorCode(registerSled("sled%01", "http://127.0.0.1:1", OPERATOR)))
        .isEqualTo("SLED_ID_INVALID");
    for (String id : List.of("sled%00", "sled%01", "sled%C2%85")) {
      HttpResponse<String> expunge = send("POST", "/api/v1/sleds/" + id + "/expunge", OPERATOR);
      assertThat(expunge.statusCode()).as(id + ": " + expunge.body()).isEqualTo(400);
      assertThat(json(expunge).path("errors").get(0).path("code").asText()).isNotBlank();
    }

    assertThat(generation()).isEqualTo(generation);
    assertThat(
            json(send("GET", "/api/v1/artifact-repositories", READER)).path("repositories").size())
        .isEqualTo(repositories);
    assertThat(sledIds()).doesNotContain("sled-text");
    assertThat(depotFiles()).isEqualTo(depot);
  }

  private static List<Path> depotFiles() throws IOException {
    try (Stream<Path> files = Files.walk(directories.resolve("depot"))) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static JsonNode awaitStatus(Predicate<JsonNode> done) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      JsonNode body = json(send("GET", "/api/v1/replication", READER));
      last = body;
      if (body.path("workflow").asText().equals("running") && done.test(body.path("status"))) {
        return body.path("status");
      }
      sleep();
    }
    throw new AssertionError("the replication status never got there; last: " + last);
  }

  private static long generation() {
    return json(send("GET", "/api/v1/replication", READER)).path("generation").asLong();
  }

  private static List<String> sledIds() {
    return json(send("GET", "/api/v1/sleds", READER)).path("sleds").findValuesAsText("id");
  }

  private static void expungeAllSleds() {
    for (JsonNode sled : json(send("GET", "/api/v1/sleds", READER)).path("sleds")) {
      send("POST", "/api/v1/sleds/" + sled.path("id").asText() + "/expunge", OPERATOR);
    }
  }

  private static HttpResponse<String> registerSled(String id, String url, String token) {
    return send(
        "PUT", "/api/v1/sleds/" + id, token, "application/json", "{\"base_url\":\"" + url + "\"}");
  }

  private static HttpResponse<String> upload(byte[] zip) {
    return upload(zip, OPERATOR);
  }

  private static HttpResponse<String> upload(byte[] zip, String token) {
    return send("POST", "/api/v1/artifact-repositories", token, "application/zip", zip);
  }

  private static HttpResponse<String> send(String method, String path, String token) {
    return send(method, path, token, null, new byte[0]);
  }

  private static HttpResponse<String> send(
      String method, String path, String token, String type, String body) {
    return send(method, path, token, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(
      String method, String path, String token, String type, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A TUF repository archive: metadata/targets.json listing {@code targets} (name to content), and
   * their files under targets/, where {@code files} replaces a file's content.
   */
  private static byte[] zip(String name, Map<String, String> targets, Map<String, String> files) {
    StringBuilder listed = new StringBuilder();
    Map<String, String> contents = new LinkedHashMap<>();
    targets.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            target -> {
              listed
                  .append(listed.length() == 0 ? "" : ",")
                  .append(
                      String.format(
                          "\"%s\":{\"length\":%d,\"hashes\":{\"sha256\":\"%s\"}}",
                          target.getKey(),
                          target.getValue().getBytes(StandardCharsets.UTF_8).length,
                          sha256(target.getValue())));
              contents.put("targets/" + target.getKey(), target.getValue());
            });
    contents.putAll(files);
    String metadata =
        "{\"signed\":{\"_type\":\"targets\",\"version\":1,\"custom\":{\"name\":\""
            + name
            + "\"},\"targets\":{"
            + listed
            + "}},\"signatures\":[]}";
    return zip(metadata, contents);
  }

  /** metadata/targets.json as given, and the files (name to content). */
  private static byte[] zip(String metadata, Map<String, String> contents) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("metadata/targets.json"));
      zip.write(metadata.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> file : contents.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String listing(long generation, Object... hashesAndCopies) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < hashesAndCopies.length; i += 2) {
      list.append(i == 0 ? "" : ",").append('"').append(hashesAndCopies[i]).append("\":");
      list.append(hashesAndCopies[i + 1]);
    }
    return "{\"generation\":" + generation + ",\"list\":{" + list + "}}";
  }

  private static String config(long generation, String... hashes) {
    List<String> quoted = new ArrayList<>();
    for (String hash : hashes) {
      quoted.add('"' + hash + '"');
    }
    return "{\"generation\":" + generation + ",\"artifacts\":[" + String.join(",", quoted) + "]}";
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  private static String errorCode(HttpResponse<String> response) {
    return json(response).path("errors").path(0).path("code").asText();
  }

  private static String token(List<String> actions) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("replication-tests")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .claim(
                "access", List.of(Map.of("type", "registry", "name", "import", "actions", actions)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

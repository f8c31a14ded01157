package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.RawHttp;
import io.drydock.quickstart.ReplicationArchives;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded fuzz of every route the application maps (taken from its handler mappings, so a
 * new endpoint is fuzzed without editing this test): hostile paths, queries, headers, media types,
 * tokens, bodies and archives ({@link FuzzCases}) against a running stack ({@link FuzzStack}). No
 * answer may be a 5xx, no connection may be reset or left without an answer, and a request that was
 * refused (or only read) must leave every table, the depot and every sled as they were. Reproduce a
 * run with {@code -Ddrydock.fuzz.seed=N}; {@code -Ddrydock.fuzz.requests=N} sets how many requests
 * it sends (within {@link #TIME_BUDGET}).
 */
class FuzzEndToEndTest {
  private static final long DEFAULT_SEED = 20261202L;
  private static final int DEFAULT_REQUESTS = 1200;
  private static final Duration TIME_BUDGET = Duration.ofSeconds(150);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Long enough that the work an accepted request started (a workflow, an activation) shows up in a
   * snapshot.
   */
  private static final Duration QUIET = Duration.ofMillis(600);

  private static final Set<String> KNOWN_ROUTES =
      Set.of(
          "/gitlab/v1/import/{*path}",
          "/api/v1/operator/imports/{*pathAndSignal}",
          "/api/v1/rescans",
          "/api/v1/scan-status",
          "/indexer/api/v1/index_report",
          "/indexer/api/v1/index_report/{digest}",
          "/indexer/api/v1/index_state",
          "/indexer/api/v1/internal/affected_manifest/",
          "/api/v1/artifact-repositories",
          "/api/v1/artifact-repositories/{id}",
          "/api/v1/sleds/{id}",
          "/api/v1/sleds/inventory",
          "/api/v1/replication",
          "/actuator/health");

  @Test
  void hostileRequestsNeverAnswer5xxAndRefusedOnesChangeNothing() {
    long seed = Long.getLong("drydock.fuzz.seed", DEFAULT_SEED);
    int requests = Integer.getInteger("drydock.fuzz.requests", DEFAULT_REQUESTS);
    try (FuzzStack stack = FuzzStack.start()) {
      byte[] archive = setUp(stack);
      List<FuzzStack.Route> routes = stack.routes();
      assertThat(routes.stream().map(FuzzStack.Route::pattern)).containsAll(KNOWN_ROUTES);
      FuzzStack.Snapshot before = stack.awaitQuiet(Duration.ofSeconds(3), Duration.ofMinutes(2));
      FuzzCases cases =
          new FuzzCases(seed, routes, DrydockStack.TOKEN_SECRET, stack.operatorToken(), archive);

      Map<Integer, Integer> statuses = new TreeMap<>();
      Map<String, Integer> perRoute = new TreeMap<>();
      List<String> failures = new ArrayList<>();
      int accepted = 0;
      int sent = 0;
      Instant deadline = Instant.now().plus(TIME_BUDGET);
      for (; sent < requests && Instant.now().isBefore(deadline); sent++) {
        FuzzCases.Case request = cases.next(sent);
        perRoute.merge(request.route(), 1, Integer::sum);
        RawHttp.Response answer =
            RawHttp.send(
                stack.port,
                request.method(),
                request.target(),
                request.protocol(),
                request.headers(),
                request.body(),
                REQUEST_TIMEOUT);
        if (answer.outcome() != RawHttp.Outcome.ANSWERED) {
          failures.add(answer.outcome() + " " + request.summary() + ": " + answer.head());
          before = stack.awaitQuiet(QUIET, Duration.ofMinutes(1));
          continue;
        }
        statuses.merge(answer.status(), 1, Integer::sum);
        if (answer.status() >= 500) {
          failures.add(
              answer.status() + " " + request.summary() + ": " + RawHttp.abbreviate(answer.body()));
        }
        boolean mayChange = !request.reads() && answer.status() < 300;
        if (mayChange) {
          accepted++;
          before = stack.awaitQuiet(QUIET, Duration.ofMinutes(1));
          continue;
        }
        FuzzStack.Snapshot after = stack.snapshot();
        if (!after.equals(before)) {
          failures.add(
              "changed "
                  + after.differences(before)
                  + " after "
                  + answer.status()
                  + " to "
                  + request.summary());
          before = stack.awaitQuiet(QUIET, Duration.ofMinutes(1));
        }
      }
      System.out.printf(
          "[fuzz] seed %d: %d requests (%d accepted changes) over %d routes; by status %s%n",
          seed, sent, accepted, routes.size(), statuses);
      System.out.printf("[fuzz] requests per route: %s%n", perRoute);
      failures.stream()
          .limit(40)
          .forEach(failure -> System.out.println("[fuzz] FAILED " + failure));
      assertThat(failures)
          .as("5xx answers, resets, and refused requests that changed something")
          .isEmpty();
      assertThat(sent)
          .as("requests sent within " + TIME_BUDGET)
          .isGreaterThanOrEqualTo(Math.min(requests, 500));
      assertThat(perRoute.keySet())
          .as("every route was fuzzed")
          .containsAll(routes.stream().map(FuzzStack.Route::pattern).collect(Collectors.toSet()));
    }
  }

  /**
   * What the stack holds while it is fuzzed: an imported repository with its index reports, and an
   * artifact repository on both sleds. Returns that repository's archive, which the fuzz mangles.
   */
  private static byte[] setUp(FuzzStack stack) {
    String repository = "/gitlab/v1/import/demo/debian/";
    assertThat(stack.request("PUT", repository + "?import_type=pre", null, null).statusCode())
        .isEqualTo(202);
    awaitStatus(stack, repository, "pre_import_complete");
    assertThat(stack.request("PUT", repository + "?import_type=final", null, null).statusCode())
        .isEqualTo(202);
    awaitStatus(stack, repository, "import_complete");
    ReplicationArchives.Repository artifacts =
        new ReplicationArchives.Repository(
            "fuzz", "1.0.0", ReplicationArchives.randomTargets(new Random(7), "fuzz", 2, 64, 256));
    byte[] zip = artifacts.zip();
    HttpResponse<String> upload =
        stack.request("POST", "/api/v1/artifact-repositories", "application/zip", zip);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    DrydockStack.await(
        () ->
            stack.sleds.stream()
                .allMatch(sled -> sled.artifactsOnDisk().containsAll(artifacts.artifacts())),
        Boolean::booleanValue,
        Duration.ofMinutes(1),
        "the artifacts on both sleds");
    return zip;
  }

  private static void awaitStatus(FuzzStack stack, String repository, String status) {
    DrydockStack.await(
        () ->
            DrydockStack.json(stack.request("GET", repository, null, null)).path("status").asText(),
        status::equals,
        Duration.ofMinutes(1),
        repository + " " + status);
  }
}

package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A randomized hammer: clients send hundreds of random PUT pre, PUT final, DELETE and
 * DELETE?force=true requests over a few repositories, some large enough that cancels hit running
 * imports. Every answer must be one the contract names, and a repository that reached {@code
 * import_complete} must never leave it but by a forced cancel (which GitLab's registry allows from
 * {@code import_complete}). Then the chaos stops and the Rails protocol must bring every repository
 * to {@code import_complete}, with every run closed.
 *
 * <p>The seed is printed; {@code -Dhammer.seed=N} replays a run's requests (the threads'
 * interleaving still varies).
 */
class ImportHammerEndToEndTest {
  private static final long SEED = Long.getLong("hammer.seed", 20_261_122L);
  private static final int CLIENTS = 4;
  private static final int REQUESTS = 400;
  private static final Duration MAX_PAUSE = Duration.ofMillis(40);
  private static final Duration DRIVE_DEADLINE = Duration.ofSeconds(90);

  /** Repository and number of manifests (each tagged). */
  private static final Map<String, Integer> REPOSITORIES = new LinkedHashMap<>();

  static {
    REPOSITORIES.put("hammer/tiny", 2);
    REPOSITORIES.put("hammer/small", 10);
    REPOSITORIES.put("hammer/medium", 80);
    REPOSITORIES.put("hammer/large-a", 300);
    REPOSITORIES.put("hammer/large-b", 400);
    REPOSITORIES.put("hammer/large-c", 600);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static DrydockStack stack;

  private final Set<String> reachedImportComplete = new HashSet<>();

  /**
   * Repositories a forced cancel was sent to since they were last seen in {@code import_complete}.
   */
  private final Set<String> forcedSinceComplete = new HashSet<>();

  private final Map<String, Integer> forcedInFlight = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Integer> answers = new TreeMap<>();

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    REPOSITORIES.forEach(
        (path, manifests) ->
            DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, manifests, 1));
  }

  @Test
  void noInterleavingLeavesARepositoryStuckOrRegressed() throws Exception {
    System.out.printf("[hammer] seed %d (replay with -Dhammer.seed=%d)%n", SEED, SEED);
    // Other test classes share the stack and its concurrency limit: their imports in progress leave
    // fewer slots.
    System.out.printf(
        "[hammer] other imports in progress at the start: %s%n",
        stack
            .database
            .sql(
                "SELECT path || ' ' || migration_status FROM repositories"
                    + " WHERE migration_status IN ('pre_import_in_progress', 'import_in_progress') ORDER BY path")
            .query(String.class)
            .list());
    // Every repository gets a status first, so a DELETE never meets one unknown to the database
    // (404).
    for (String path : REPOSITORIES.keySet()) {
      HttpResponse<String> started =
          DrydockStack.await(
              () -> put(path, "pre"),
              r -> r.statusCode() != 429,
              Duration.ofSeconds(60),
              "a slot for " + path);
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    }

    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                REPOSITORIES.keySet().forEach(this::observe);
                pause(5);
              }
            },
            "hammer-sampler");
    sampler.start();
    Instant chaosStarted = Instant.now();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        Random random = new Random(SEED + client);
        running.add(clients.submit(() -> hammer(random, REQUESTS / CLIENTS)));
      }
      for (Future<?> client : running) {
        client.get();
      }
      Duration chaos = Duration.between(chaosStarted, Instant.now());
      System.out.printf(
          "[hammer] %d requests in %d ms; answers: %s%n",
          REQUESTS / CLIENTS * CLIENTS, chaos.toMillis(), answers);

      Instant driveStarted = Instant.now();
      List<Future<String>> driven = new ArrayList<>();
      for (String path : REPOSITORIES.keySet()) {
        driven.add(
            clients.submit(() -> driveToImportComplete(path, driveStarted.plus(DRIVE_DEADLINE))));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<String> outcome : driven) {
        outcomes.add(outcome.get());
      }
      System.out.printf(
          "[hammer] Rails protocol took %d ms: %s%n",
          Duration.between(driveStarted, Instant.now()).toMillis(), outcomes);
      assertThat(outcomes)
          .as("every repository reaches import_complete")
          .allMatch(o -> o.endsWith("import_complete"));
    } finally {
      clients.shutdownNow();
      sampling.set(false);
      sampler.join();
    }

    synchronized (this) {
      assertThat(violations)
          .as("answers outside the contract, and regressions from import_complete")
          .isEmpty();
    }
    for (Map.Entry<String, Integer> repository : REPOSITORIES.entrySet()) {
      String path = repository.getKey();
      DrydockStack.await(
          () -> column(path, "owner_closed", Boolean.class),
          Boolean::booleanValue,
          Duration.ofSeconds(30),
          path + "'s last run to close");
      assertThat(column(path, "migration_status", String.class)).isEqualTo("import_complete");
      assertThat(
              count(
                  "SELECT count(*) FROM manifests m JOIN repositories r ON r.id = m.repository_id"
                      + " WHERE r.path = ?",
                  path))
          .as(path + " manifests")
          .isEqualTo((long) repository.getValue());
      assertThat(
              count(
                  "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = ?",
                  path))
          .as(path + " tags")
          .isEqualTo((long) repository.getValue());
    }
  }

  private void hammer(Random random, int requests) {
    List<String> paths = new ArrayList<>(REPOSITORIES.keySet());
    for (int i = 0; i < requests; i++) {
      String path = paths.get(random.nextInt(paths.size()));
      int pick = random.nextInt(100);
      String method = pick < 65 ? "PUT" : "DELETE";
      String query =
          pick < 30
              ? "?import_type=pre"
              : pick < 65 ? "?import_type=final" : pick < 90 ? "" : "?force=true";
      boolean forced = query.equals("?force=true");
      if (forced) {
        forcing(path, 1);
      }
      HttpResponse<String> response =
          stack.request(method, "/gitlab/v1/import/" + path + "/" + query);
      if (forced) {
        forcing(path, -1);
      }
      check(path, method + " " + query, response);
      observe(path);
      pause(random.nextInt((int) MAX_PAUSE.toMillis() + 1));
    }
  }

  /** Records the answer, and whether the contract allows it for the request. */
  private synchronized void check(String path, String request, HttpResponse<String> response) {
    int status = response.statusCode();
    String code = status >= 400 ? errorCode(response) : "";
    answers.merge(
        request.strip() + " " + status + (code.isEmpty() ? "" : " " + code), 1, Integer::sum);
    boolean put = request.startsWith("PUT");
    boolean allowed =
        put
            ? switch (status) {
              case 200 -> response.body().isEmpty();
              case 202 -> statusInBody(response).endsWith("_in_progress");
              case 409 -> code.equals("IMPORT_IN_PROGRESS");
              case 424 -> code.startsWith("PRE_IMPORT_");
              case 425 -> code.equals("PRE_IMPORT_IN_PROGRESS");
              case 429 ->
                  code.equals("IMPORT_RATE_LIMIT") || code.equals("IMPORT_REPOSITORY_NOT_READY");
              default -> false;
            }
            : switch (status) {
              case 202 -> statusInBody(response).endsWith("_canceled");
              case 400 -> code.equals("IMPORT_CANNOT_BE_CANCELED");
              default -> false;
            };
    if (!allowed) {
      violations.add(request + " " + path + " answered " + status + ": " + response.body());
    }
    if (put && status == 200) {
      // The API found the repository on the database before answering: it must stay there from now
      // on.
      reachedImportComplete.add(path);
    }
  }

  /**
   * Reads the status and checks it against what was seen before. Reads and checks are serialised,
   * so a status read later in this order was also read later in time.
   */
  private synchronized void observe(String path) {
    String status = column(path, "migration_status", String.class);
    if (reachedImportComplete.contains(path)
        && !forcedSinceComplete.contains(path)
        && !"import_complete".equals(status)) {
      violations.add(path + " left import_complete for " + status);
    }
    if ("import_complete".equals(status)) {
      reachedImportComplete.add(path);
      if (forcedInFlight.getOrDefault(path, 0) == 0) {
        forcedSinceComplete.remove(path);
      }
    }
  }

  /**
   * Counts a forced cancel of the repository in flight (+1 before it is sent, -1 once it is
   * answered).
   */
  private synchronized void forcing(String path, int change) {
    forcedInFlight.merge(path, change, Integer::sum);
    forcedSinceComplete.add(path);
  }

  /**
   * As GitLab Rails migrates a repository: pre-import until it completes, then final import,
   * retrying 429 after 100 ms. Returns the path and the status it ended in, or what blocked it at
   * the deadline.
   */
  private String driveToImportComplete(String path, Instant deadline) {
    String last = "no request yet";
    while (Instant.now().isBefore(deadline)) {
      String status = column(path, "migration_status", String.class);
      switch (status) {
        case "import_complete" -> {
          return path + " import_complete";
        }
        case "pre_import_in_progress", "import_in_progress" -> pause(100);
        default -> {
          String type = status.equals("pre_import_complete") ? "final" : "pre";
          HttpResponse<String> response = put(path, type);
          check(path, "PUT ?import_type=" + type, response);
          last =
              "PUT "
                  + type
                  + " from "
                  + status
                  + " answered "
                  + response.statusCode()
                  + " "
                  + response.body();
          if (response.statusCode() != 202) {
            pause(100);
          }
        }
      }
    }
    return path
        + " stuck in "
        + column(path, "migration_status", String.class)
        + " (last: "
        + last
        + ")";
  }

  private static HttpResponse<String> put(String path, String importType) {
    return stack.request("PUT", "/gitlab/v1/import/" + path + "/?import_type=" + importType);
  }

  private static <T> T column(String path, String column, Class<T> type) {
    return stack
        .database
        .sql("SELECT " + column + " FROM repositories WHERE path = ?")
        .param(path)
        .query(type)
        .single();
  }

  private static long count(String sql, String path) {
    return stack.database.sql(sql).param(path).query(Long.class).single();
  }

  private static String statusInBody(HttpResponse<String> response) {
    return json(response).path("status").asText();
  }

  private static String errorCode(HttpResponse<String> response) {
    return json(response).path("errors").path(0).path("code").asText();
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

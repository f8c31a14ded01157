package io.drydock.quickstart.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.NotificationReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * GitLab Rails' side of a repository's migration, as its code does it, so a test can drive Drydock
 * exactly as Rails does and receive its callbacks as Rails' endpoint answers them. Each method
 * names the Rails code it copies:
 *
 * <ul>
 *   <li>the registry client: gitlabhq/gitlabhq lib/container_registry/gitlab_api_client.rb, the
 *       version with {@code import_type} and {@code cancel_repository_import} (between
 *       2b2d833ab3e78f8c9f626af950a16d43fc38c9f8, which sends {@code pre=}, and
 *       7e202c4fa8d1a2d3acb6f3f6a374a4f7e88a8da9, which removed the import API);
 *   <li>the migration state machine: app/models/container_repository.rb at
 *       00114c0521e8bb09813fd7b9b3c68269b99b6b63;
 *   <li>the callback endpoint: lib/api/internal/container_registry/migration.rb at
 *       1327c778c43e8a423d32bc50be2a0bc7cbf82932.
 * </ul>
 */
final class GitLabRails implements NotificationReceiver.Endpoint {
  /** gitlab_api_client.rb, IMPORT_RESPONSES: any other code is {@code :error}. */
  enum Response {
    ALREADY_IMPORTED,
    OK,
    BAD_REQUEST,
    UNAUTHORIZED,
    NOT_FOUND,
    ALREADY_BEING_IMPORTED,
    PRE_IMPORT_FAILED,
    TOO_MANY_IMPORTS,
    ERROR
  }

  private static final Map<Integer, Response> IMPORT_RESPONSES =
      Map.of(
          200, Response.ALREADY_IMPORTED,
          202, Response.OK,
          400, Response.BAD_REQUEST,
          401, Response.UNAUTHORIZED,
          404, Response.NOT_FOUND,
          409, Response.ALREADY_BEING_IMPORTED,
          424, Response.PRE_IMPORT_FAILED,
          425, Response.ALREADY_BEING_IMPORTED,
          429, Response.TOO_MANY_IMPORTS);

  /** container_repository.rb, the state machine's events and the states each starts from. */
  private static final Set<String> ABORTABLE =
      Set.of("pre_importing", "importing", "pre_import_done", "default");

  private static final Map<String, Set<String>> FROM =
      Map.of(
          "start_pre_import", Set.of("default", "pre_importing", "importing", "import_aborted"),
          "finish_pre_import", Set.of("pre_importing", "importing", "import_aborted"),
          "start_import", Set.of("pre_import_done", "pre_importing", "importing", "import_aborted"),
          "finish_import", Set.of("default", "pre_importing", "importing", "import_aborted"),
          "abort_import", ABORTABLE,
          "skip_import", union(ABORTABLE, Set.of("import_aborted")));

  private static final Map<String, String> TO =
      Map.of(
          "start_pre_import", "pre_importing",
          "finish_pre_import", "pre_import_done",
          "start_import", "importing",
          "finish_import", "import_done",
          "abort_import", "import_aborted",
          "skip_import", "import_skipped");

  /** migration.rb, POSSIBLE_VALUES. */
  private static final Set<String> POSSIBLE_VALUES =
      Set.of("pre_import_complete", "pre_import_failed", "import_complete", "import_failed");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String registryUrl;
  private final String token;
  private final String importToken;
  private final String notificationSecret;
  private final int startMaxRetries;
  private final Map<String, String> migrationStates = new ConcurrentHashMap<>();
  private final Map<String, String> skippedReasons = new ConcurrentHashMap<>();
  private final AtomicInteger importRequests = new AtomicInteger();

  /**
   * @param token the registry token Rails' plain connection sends ({@code with_token_faraday}: the
   *     compliance check)
   * @param importToken the token of its import connection ({@code with_import_token_faraday}:
   *     import, status, cancel)
   * @param startMaxRetries Rails' {@code container_registry_import_start_max_retries} setting (50
   *     by default)
   */
  GitLabRails(
      String registryUrl,
      String token,
      String importToken,
      String notificationSecret,
      int startMaxRetries) {
    this.registryUrl = registryUrl;
    this.token = token;
    this.importToken = importToken;
    this.notificationSecret = notificationSecret;
    this.startMaxRetries = startMaxRetries;
  }

  String migrationState(String path) {
    return migrationStates.getOrDefault(path, "default");
  }

  Optional<String> skippedReason(String path) {
    return Optional.ofNullable(skippedReasons.get(path));
  }

  /** How many PUTs to the import API this Rails has sent. */
  int importRequests() {
    return importRequests.get();
  }

  // ---- gitlab_api_client.rb ----

  /** {@code supports_gitlab_api?}: {@code GET /gitlab/v1/} with the client's token, 2xx or 401. */
  boolean supportsGitlabApi() {
    int status = send("GET", "/gitlab/v1/", token).statusCode();
    return status / 100 == 2 || status == 401;
  }

  /**
   * {@code pre_import_repository} / {@code import_repository}: {@code start_import_for(path,
   * pre:)}.
   */
  Response startImportFor(String path, boolean pre) {
    importRequests.incrementAndGet();
    int status =
        send("PUT", importUrlFor(path) + "?import_type=" + (pre ? "pre" : "final"), importToken)
            .statusCode();
    return IMPORT_RESPONSES.getOrDefault(status, Response.ERROR);
  }

  record CancelResult(Response status, String migrationState) {}

  /**
   * {@code cancel_repository_import(path, force:)}: the mapped code and the body's {@code status}.
   */
  CancelResult cancelRepositoryImport(String path, boolean force) {
    HttpResponse<String> response =
        send("DELETE", importUrlFor(path) + (force ? "?force=true" : ""), importToken);
    return new CancelResult(
        IMPORT_RESPONSES.getOrDefault(response.statusCode(), Response.ERROR),
        jsonBody(response).path("status").asText(null));
  }

  /**
   * {@code import_status}: a failed request reads as {@code pre_import_failed} (Rails' "temporary
   * solution").
   */
  String importStatus(String path) {
    HttpResponse<String> response = send("GET", importUrlFor(path), importToken);
    if (response.statusCode() / 100 != 2) {
      return "pre_import_failed";
    }
    return jsonBody(response).path("status").asText("error");
  }

  // ---- container_repository.rb ----

  /**
   * {@code start_pre_import}, whose after-transition hook runs {@code try_import {
   * migration_pre_import }}.
   */
  boolean startPreImport(String path) {
    return fire(path, "start_pre_import") && tryImport(path, () -> migrationImport(path, true));
  }

  /**
   * {@code start_import}, whose after-transition hook runs {@code try_import { migration_import }}.
   */
  boolean startImport(String path) {
    return fire(path, "start_import") && tryImport(path, () -> migrationImport(path, false));
  }

  /** {@code abort_import}, as Rails' stale-migration guard or an administrator does it. */
  boolean abortImport(String path) {
    return fire(path, "abort_import");
  }

  /** {@code force_migration_cancel}: skips the import when the registry answered 202. */
  CancelResult forceMigrationCancel(String path) {
    if (!supportsGitlabApi()) {
      return new CancelResult(Response.ERROR, null);
    }
    CancelResult result = cancelRepositoryImport(path, true);
    if (result.status() == Response.OK) {
      skipImport(path, "migration_forced_canceled");
    }
    return result;
  }

  /**
   * {@code try_import}: {@code :ok} is done; {@code :not_found} and {@code :already_imported}
   * finish the import as skipped; anything else aborts it. {@code :too_many_imports} is retried
   * after {@code 0.1 * try_count} seconds, up to {@code start_max_retries} times, then aborted.
   */
  private boolean tryImport(String path, Supplier<Response> migration) {
    for (int tryCount = 1; ; tryCount++) {
      Response response = migration.get();
      if (response == Response.TOO_MANY_IMPORTS) {
        if (tryCount <= startMaxRetries) {
          sleep(100L * tryCount);
          continue;
        }
        fire(path, "abort_import");
        return false;
      }
      switch (response) {
        case OK:
          return true;
        case NOT_FOUND:
          finishImportAs(path, "not_found");
          break;
        case ALREADY_IMPORTED:
          finishImportAs(path, "native_import");
          break;
        default:
          fire(path, "abort_import");
      }
      return false;
    }
  }

  /**
   * {@code migration_pre_import} / {@code migration_import}: {@code :error} unless the compliance
   * check passes.
   */
  private Response migrationImport(String path, boolean pre) {
    if (!supportsGitlabApi()) {
      return Response.ERROR;
    }
    return startImportFor(path, pre);
  }

  private void finishImportAs(String path, String reason) {
    skippedReasons.put(path, reason);
    fire(path, "finish_import");
  }

  private void skipImport(String path, String reason) {
    skippedReasons.put(path, reason);
    fire(path, "skip_import");
  }

  /**
   * Fires a state machine event: false, changing nothing, when the current state does not allow it.
   */
  private boolean fire(String path, String event) {
    synchronized (migrationStates) {
      if (!FROM.get(event).contains(migrationState(path))) {
        return false;
      }
      migrationStates.put(path, TO.get(event));
      return true;
    }
  }

  // ---- migration.rb: PUT internal/registry/repositories/*repository_path/migration/status ----

  @Override
  public NotificationReceiver.Answer receive(
      String repositoryPath, String authorization, String body) {
    if (!notificationSecret.equals(authorization)) {
      return new NotificationReceiver.Answer(401, "{\"message\":\"401 Unauthorized\"}");
    }
    String status;
    try {
      status = JSON.readTree(body).path("status").asText("");
    } catch (IOException e) {
      return badRequest("status is missing");
    }
    if (!POSSIBLE_VALUES.contains(status)) {
      return badRequest("status does not have a valid value");
    }
    if (!migrationStates.containsKey(repositoryPath)) {
      return new NotificationReceiver.Answer(
          404, "{\"message\":\"404 Container Repository Not Found\"}");
    }
    String state = migrationState(repositoryPath);
    if (!List.of("pre_importing", "importing").contains(state)) {
      return badRequest("Wrong migration state (" + state + ")");
    }
    switch (status) {
      case "pre_import_complete":
        // finish_pre_import_and_start_import
        if (!(fire(repositoryPath, "finish_pre_import") && startImport(repositoryPath))) {
          return badRequest("Couldn't transition from pre_importing to importing");
        }
        break;
      case "import_complete":
        if (!fire(repositoryPath, "finish_import")) {
          return badRequest("Couldn't transition from importing to import_done");
        }
        break;
      default:
        fire(repositoryPath, "abort_import");
    }
    return new NotificationReceiver.Answer(200, "");
  }

  private static NotificationReceiver.Answer badRequest(String message) {
    return new NotificationReceiver.Answer(
        400, "{\"message\":\"400 Bad request - " + message + "\"}");
  }

  /** {@code import_url_for}: the contract's trailing slash. */
  private static String importUrlFor(String path) {
    return "/gitlab/v1/import/" + path + "/";
  }

  /**
   * As Rails' Faraday connection sends every request: its token and {@code Accept:
   * application/json}. The scheme is written in lower case, as some Faraday versions send it (RFC
   * 9110 makes it case-insensitive).
   */
  private HttpResponse<String> send(String method, String pathAndQuery, String bearer) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(registryUrl + pathAndQuery))
            .header("Accept", "application/json")
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      request.header("Authorization", "bearer " + bearer);
    }
    return DrydockStack.send(http, request.build());
  }

  /** Faraday's JSON middleware parses a body only when its type is {@code application/json}. */
  private static JsonNode jsonBody(HttpResponse<String> response) {
    boolean json =
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
    try {
      return json && !response.body().isEmpty()
          ? JSON.readTree(response.body())
          : JSON.createObjectNode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}

package io.drydock.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.workflows.scan.BulkRescanProgress;
import io.drydock.workflows.scan.BulkRescanWorkflow;
import io.drydock.workflows.scan.ScanWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rescan and import APIs as a client calls them, on any API process of a stack: JSON bodies,
 * and a token with import and operator access signed with the tests' secret.
 */
public final class ScanTestClient {
  private static final Duration IMPORT_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Scan slots of the stacks that index hundreds of manifests under faults and crashes: they prove
   * what is written, not how imports fare beside a rescan backlog, and with the shipped limit of 2
   * they took minutes longer.
   */
  public static final Map<String, String> BULK_SCAN_SLOTS =
      Map.of(
          "drydock.scan.max-concurrent-activities",
          "16",
          "drydock.scan.max-concurrent-workflow-tasks",
          "16");

  /** {@code properties} with {@link #BULK_SCAN_SLOTS}. */
  public static Map<String, String> withBulkScanSlots(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(properties);
    all.putAll(BULK_SCAN_SLOTS);
    return all;
  }

  final String baseUrl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String token =
      DevTokens.operatorToken(
          DrydockStack.TOKEN_SECRET, "drydock-tests", "container_registry", Instant.now());

  public ScanTestClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** {@code body} is sent as {@code application/json} when not null. */
  public HttpResponse<String> send(String method, String pathAndQuery, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .header("Authorization", "Bearer " + token);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return DrydockStack.send(http, request.build());
  }

  public HttpResponse<String> indexReport(String manifestDigest) {
    return send("POST", "/indexer/api/v1/index_report", "{\"hash\":\"" + manifestDigest + "\"}");
  }

  /**
   * Pre-imports then final-imports the repository, as Rails does, unless it is already on the
   * database (a test class of the same JVM may have imported it).
   */
  public void importRepository(String path) {
    HttpResponse<String> pre = startImport(path, "pre");
    if (pre.statusCode() == 200) {
      return;
    }
    assertThat(pre.statusCode()).as(pre.body()).isEqualTo(202);
    awaitImportStatus(path, "pre_import_complete");
    HttpResponse<String> fin = startImport(path, "final");
    assertThat(fin.statusCode()).as(fin.body()).isEqualTo(202);
    awaitImportStatus(path, "import_complete");
  }

  /**
   * As Rails does, a PUT refused for the concurrency limit (429 {@code IMPORT_RATE_LIMIT}) is sent
   * again later, and so is one answered 503 {@code UNAVAILABLE} ("retry later": on a loaded machine
   * a process's first start can outlast the start timeout while its connection to Temporal warms
   * up; the refusal changed nothing).
   */
  private HttpResponse<String> startImport(String path, String importType) {
    return DrydockStack.await(
        () -> send("PUT", "/gitlab/v1/import/" + path + "/?import_type=" + importType, null),
        answer ->
            !(answer.statusCode() == 429
                    && "IMPORT_RATE_LIMIT".equals(DrydockStack.errorCode(answer)))
                && !(answer.statusCode() == 503
                    && "UNAVAILABLE".equals(DrydockStack.errorCode(answer))),
        IMPORT_TIMEOUT,
        "an import slot for " + path);
  }

  /**
   * Imports a copy of the legacy repository {@code from} as {@code copy}; returns its first image
   * manifest's digest.
   */
  public String importCopy(DrydockStack stack, String from, String copy) {
    stack.copyRepository(from, copy);
    importRepository(copy);
    return scanStatuses(copy, 10).keySet().iterator().next();
  }

  /**
   * Cancels the bulk rescan a completed import starts to index its repository, and waits until it
   * has ended (its running rescans finish), so that a test that measures its own rescans sees only
   * those.
   */
  public static void stopImportIndexing(
      WorkflowClient workflows, JdbcClient database, String path) {
    String workflowId = awaitImportIndexing(workflows, database, path);
    workflows.newWorkflowStub(BulkRescanWorkflow.class, workflowId).cancel();
    workflows.newUntypedWorkflowStub(workflowId).getResult(BulkRescanProgress.class);
  }

  /** The bulk rescan a completed import starts to index its repository, once it has ended. */
  public static BulkRescanProgress importIndexingResult(
      WorkflowClient workflows, JdbcClient database, String path) {
    return workflows
        .newUntypedWorkflowStub(awaitImportIndexing(workflows, database, path))
        .getResult(BulkRescanProgress.class);
  }

  /**
   * The workflow id of the bulk rescan indexing a completed import, once it has started: the
   * import's workflow starts it right after writing import_complete, so a client that saw that
   * status can be earlier.
   */
  private static String awaitImportIndexing(
      WorkflowClient workflows, JdbcClient database, String path) {
    String ownerToken =
        database
            .sql("SELECT owner_token FROM repositories WHERE path = ?")
            .param(path)
            .query(String.class)
            .single();
    String workflowId = ScanWorkflows.bulkRescanWorkflowId("import/" + path + "/" + ownerToken);
    DrydockStack.await(
        () -> {
          try {
            return workflows.newUntypedWorkflowStub(workflowId).describe().getStatus();
          } catch (WorkflowNotFoundException e) {
            return null;
          }
        },
        status -> status != null,
        IMPORT_TIMEOUT,
        workflowId + " to start");
    return workflowId;
  }

  /**
   * Waits for the bulk rescan a stack's first worker starts for the current scanner set, so that it
   * cannot rescan the manifests a test imports afterwards (started on an empty database, it has
   * none to rescan).
   */
  public static void awaitScannerUpgradeRescan(WorkflowClient workflows) {
    String workflowId = ScanWorkflows.INDEX_STATE_BULK_PREFIX + ScannerSet.current().indexState();
    DrydockStack.await(
        () -> {
          try {
            return workflows.newUntypedWorkflowStub(workflowId).describe().getStatus();
          } catch (WorkflowNotFoundException e) {
            return null;
          }
        },
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED::equals,
        IMPORT_TIMEOUT,
        workflowId + " to complete");
  }

  /**
   * Activity attempts that failed or timed out in the latest run of the workflow, by activity type:
   * a retried attempt's started event carries its attempt number; an activity that failed for good
   * ends with a failed or timed-out event.
   */
  public static Map<String, Long> failedActivityAttempts(
      WorkflowClient workflows, String workflowId) {
    return failedActivityAttempts(workflows.fetchHistory(workflowId).getEvents());
  }

  /**
   * As {@link #failedActivityAttempts(WorkflowClient, String)}, summed over every run of a
   * manifest's rescan, {@code rescan/<digest>}: every bulk rescan and request runs the manifest's
   * rescan under that one id.
   */
  public static Map<String, Long> failedRescanAttempts(WorkflowClient workflows, String digest) {
    String workflowId = ScanWorkflows.rescanWorkflowId(digest);
    Map<String, Long> failed = new TreeMap<>();
    workflows
        .listExecutions("WorkflowId = '" + workflowId + "'")
        .forEach(
            run ->
                failedActivityAttempts(
                        workflows
                            .fetchHistory(workflowId, run.getExecution().getRunId())
                            .getEvents())
                    .forEach((type, n) -> failed.merge(type, n, Long::sum)));
    return failed;
  }

  private static Map<String, Long> failedActivityAttempts(List<HistoryEvent> events) {
    Map<Long, String> scheduledTypes = new HashMap<>();
    Map<String, Long> failed = new TreeMap<>();
    for (HistoryEvent event : events) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        scheduledTypes.put(
            event.getEventId(),
            event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (event.hasActivityTaskStartedEventAttributes()) {
        ActivityTaskStartedEventAttributes started = event.getActivityTaskStartedEventAttributes();
        failed.merge(
            scheduledTypes.get(started.getScheduledEventId()),
            started.getAttempt() - 1L,
            Long::sum);
      } else if (event.hasActivityTaskFailedEventAttributes()) {
        failed.merge(
            scheduledTypes.get(event.getActivityTaskFailedEventAttributes().getScheduledEventId()),
            1L,
            Long::sum);
      } else if (event.hasActivityTaskTimedOutEventAttributes()) {
        failed.merge(
            scheduledTypes.get(
                event.getActivityTaskTimedOutEventAttributes().getScheduledEventId()),
            1L,
            Long::sum);
      }
    }
    failed.values().removeIf(n -> n == 0);
    return failed;
  }

  private void awaitImportStatus(String path, String status) {
    DrydockStack.await(
        () ->
            DrydockStack.json(send("GET", "/gitlab/v1/import/" + path + "/", null))
                .path("status")
                .asText(),
        status::equals,
        IMPORT_TIMEOUT,
        path + " to reach " + status);
  }

  /**
   * Starts a forced bulk rescan of the repository (of every manifest when null); returns its id.
   */
  public String startBulkRescan(String repository, int concurrency) {
    String body =
        repository == null
            ? "{\"concurrency\":" + concurrency + "}"
            : "{\"repository\":\"" + repository + "\",\"concurrency\":" + concurrency + "}";
    HttpResponse<String> started = send("POST", "/api/v1/rescans", body);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return DrydockStack.json(started).path("id").asText();
  }

  public JsonNode bulkRescan(String id) {
    HttpResponse<String> progress = send("GET", "/api/v1/rescans/" + id, null);
    assertThat(progress.statusCode()).as(progress.body()).isEqualTo(200);
    return DrydockStack.json(progress);
  }

  /**
   * Polls the progress until the state is {@code state}. The progress is a query the workers
   * answer: while none can (a killed worker's replacement is starting), the API's error answers
   * count as "not yet".
   */
  public JsonNode awaitBulkRescan(String id, String state, Duration timeout) {
    return DrydockStack.json(
        DrydockStack.await(
            () -> send("GET", "/api/v1/rescans/" + id, null),
            progress ->
                progress.statusCode() == 200
                    && state.equals(DrydockStack.json(progress).path("state").asText()),
            timeout,
            "bulk rescan " + id + " to be " + state));
  }

  /**
   * Every manifest's scan status ({@code repository} only when not null), digest to status, paging
   * through {@code GET /api/v1/scan-status} {@code pageSize} at a time.
   */
  public Map<String, String> scanStatuses(String repository, int pageSize) {
    Map<String, String> statuses = new LinkedHashMap<>();
    String after = null;
    do {
      StringBuilder query = new StringBuilder("/api/v1/scan-status?limit=" + pageSize);
      if (repository != null) {
        query.append("&repository=").append(URLEncoder.encode(repository, StandardCharsets.UTF_8));
      }
      if (after != null) {
        query.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
      }
      HttpResponse<String> page = send("GET", query.toString(), null);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonNode body = DrydockStack.json(page);
      body.path("manifests")
          .forEach(m -> statuses.put(m.path("digest").asText(), m.path("status").asText()));
      after = body.path("next").isTextual() ? body.path("next").asText() : null;
    } while (after != null);
    return statuses;
  }
}

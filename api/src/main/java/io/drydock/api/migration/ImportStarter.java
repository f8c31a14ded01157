package io.drydock.api.migration;

import io.drydock.activities.migration.ClaimLimits;
import io.drydock.activities.migration.ClaimOutcome;
import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.migration.RepositoryState;
import io.drydock.api.errors.ApiException;
import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.migration.FinalImportWorkflow;
import io.drydock.workflows.migration.ImportRequest;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.drydock.workflows.migration.PreImportWorkflow;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Claims a repository for an import (one transaction that also writes the run's fencing token and
 * enforces the concurrency limit and the cancel grace window) and starts the workflow that owns it;
 * cancels it again.
 */
class ImportStarter {
  private static final Logger log = LoggerFactory.getLogger(ImportStarter.class);

  /** Fires the deadlines of workflow starts; one daemon thread for all of them. */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "workflow-start-deadlines");
            thread.setDaemon(true);
            return thread;
          });

  private final RegistryStore store;
  private final WorkflowClient client;
  private final ClaimLimits limits;
  private final Duration waitForOperatorAfterFailure;
  private final Duration startTimeout;
  private final MeterRegistry meters;

  /**
   * @param startTimeout how long a workflow start may take before the claim is undone and the
   *     request answered 503: without it the SDK retries an unreachable server for up to a minute
   *     while the repository reads in progress
   */
  ImportStarter(
      RegistryStore store,
      WorkflowClient client,
      ClaimLimits limits,
      Duration waitForOperatorAfterFailure,
      Duration startTimeout,
      MeterRegistry meters) {
    this.store = store;
    this.meters = meters;
    this.client = client;
    this.limits = limits;
    this.waitForOperatorAfterFailure = waitForOperatorAfterFailure;
    this.startTimeout = startTimeout;
  }

  /**
   * Claims and starts. A run of the same type and repository still open after the repository was
   * released to this claim (a canceled run past its grace deadline, say) is terminated: the claim
   * has fenced it out already. If the workflow cannot be started the claim is undone, so the
   * repository is never left in progress with nothing running.
   */
  ClaimOutcome start(ImportType type, String path, Optional<RepositoryState> before) {
    String ownerToken = UUID.randomUUID().toString();
    ClaimOutcome outcome = store.claim(path, type, ownerToken, limits);
    if (!(outcome instanceof ClaimOutcome.Claimed claimed)) {
      return outcome;
    }
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(MigrationWorkflows.workflowId(type, path))
            .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(DrydockSearchAttributes.REPOSITORY_PATH, path)
                    .set(
                        DrydockSearchAttributes.MIGRATION_STATUS,
                        claimed.state().status().wireValue())
                    .set(DrydockSearchAttributes.IMPORT_TYPE, type.wireValue())
                    .build())
            .build();
    ImportRequest request =
        new ImportRequest(path, ownerToken, waitForOperatorAfterFailure.toSeconds());
    // The SDK's retries of the start stop at the deadline of the gRPC context they run in.
    try (Context.CancellableContext deadline =
        Context.current()
            .withDeadlineAfter(startTimeout.toMillis(), TimeUnit.MILLISECONDS, DEADLINES)) {
      deadline.run(
          () -> {
            if (type == ImportType.PRE) {
              WorkflowClient.start(
                  client.newWorkflowStub(PreImportWorkflow.class, options)::run, request);
            } else {
              WorkflowClient.start(
                  client.newWorkflowStub(FinalImportWorkflow.class, options)::run, request);
            }
          });
    } catch (RuntimeException e) {
      store.releaseClaim(path, ownerToken, before);
      log.error(
          "could not start the {} import workflow for {} within {}",
          type.wireValue(),
          path,
          startTimeout,
          e);
      meters
          .counter(
              "drydock.workflow.start.failures",
              "import_type",
              type.wireValue(),
              "reason",
              startFailureReason(e))
          .increment();
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "UNAVAILABLE",
          "the workflow service is unavailable; retry later",
          path);
    }
    meters.counter("drydock.imports.started", "import_type", type.wireValue()).increment();
    return outcome;
  }

  /**
   * {@code search_attributes} when the server refused the start for its search attributes (the
   * namespace lacks one, see docs/operations.md), else the gRPC status code ({@code unavailable},
   * {@code deadline_exceeded}...), else {@code other}: a bounded set.
   */
  static String startFailureReason(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        String description =
            String.valueOf(status.getStatus().getDescription()).toLowerCase(Locale.ROOT);
        return description.contains("search attribute")
            ? "search_attributes"
            : status.getStatus().getCode().name().toLowerCase(Locale.ROOT);
      }
    }
    return "other";
  }

  /**
   * Sends an operator signal ({@code retry} or {@code cancel}) to the repository's open run.
   *
   * @return false when the repository has no open run of that type
   */
  boolean signal(RepositoryState state, String signal) {
    try {
      client
          .newUntypedWorkflowStub(MigrationWorkflows.workflowId(state.importType(), state.path()))
          .signal(signal);
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  /**
   * Asks the run that owned the repository before the cancel to stop. The database already fenced
   * it out; this only makes it stop working sooner, so a failure to reach Temporal is logged, not
   * returned.
   */
  void stopRun(RepositoryState before) {
    if (before.ownerClosed() || before.importType() == null) {
      return;
    }
    String workflowId = MigrationWorkflows.workflowId(before.importType(), before.path());
    try {
      client.newUntypedWorkflowStub(workflowId).cancel();
    } catch (WorkflowNotFoundException e) {
      log.info("no open run of {} to cancel", workflowId);
    } catch (RuntimeException e) {
      log.warn(
          "could not ask {} to stop; it is fenced out and its grace deadline will release the repository",
          workflowId,
          e);
    }
  }
}

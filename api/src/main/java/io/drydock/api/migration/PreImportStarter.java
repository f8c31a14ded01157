package io.drydock.api.migration;

import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.migration.RepositoryState;
import io.drydock.api.errors.ApiException;
import io.drydock.workflows.DrydockSearchAttributes;
import io.drydock.workflows.migration.ImportRequest;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.drydock.workflows.migration.PreImportWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Claims a repository for a pre-import (one compare-and-set that also writes the run's fencing token) and starts the
 * workflow that owns it. If the workflow cannot be started the claim is undone, so the repository is never left "in
 * progress" with nothing running.
 */
class PreImportStarter {
  private static final Logger log = LoggerFactory.getLogger(PreImportStarter.class);

  private final RegistryStore store;
  private final WorkflowClient client;

  PreImportStarter(RegistryStore store, WorkflowClient client) {
    this.store = store;
    this.client = client;
  }

  RepositoryState start(String path, Optional<RepositoryState> before) {
    String ownerToken = UUID.randomUUID().toString();
    RepositoryState claimed =
        store.claimPreImport(path, ownerToken).orElseThrow(() -> lostRace(path));
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(MigrationWorkflows.preImportWorkflowId(path))
            .setTaskQueue(MigrationWorkflows.TASK_QUEUE)
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(DrydockSearchAttributes.REPOSITORY_PATH, path)
                    .set(DrydockSearchAttributes.MIGRATION_STATUS, MigrationStatus.PRE_IMPORT_IN_PROGRESS.wireValue())
                    .set(DrydockSearchAttributes.IMPORT_TYPE, ImportType.PRE.wireValue())
                    .build())
            .build();
    PreImportWorkflow workflow = client.newWorkflowStub(PreImportWorkflow.class, options);
    try {
      WorkflowClient.start(workflow::run, new ImportRequest(path, ownerToken));
    } catch (WorkflowExecutionAlreadyStarted e) {
      store.releaseClaim(path, ownerToken, before);
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "IMPORT_REPOSITORY_NOT_READY",
          "a previous run for this repository has not finished yet; retry shortly",
          path);
    } catch (RuntimeException e) {
      store.releaseClaim(path, ownerToken, before);
      log.error("could not start the pre-import workflow for {}", path, e);
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "the workflow service is unavailable; retry later", path);
    }
    return claimed;
  }

  /** Another request changed the status between our read and our claim: answer from what it is now. */
  private ApiException lostRace(String path) {
    Optional<RepositoryState> now = store.find(path);
    now.ifPresent(ImportController::refuseWhileInProgress);
    return new ApiException(
        HttpStatus.CONFLICT,
        "IMPORT_IN_PROGRESS",
        "repository status changed concurrently",
        now.map(s -> s.status().wireValue()).orElse(path));
  }
}

package io.drydock.workflows.scan;

import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Pages through the manifests in digest order and runs one child rescan per manifest, at most
 * {@code concurrency} at once. Continues as new every {@value #RESCANS_PER_RUN} rescans, carrying
 * the cursor and the counts, so a registry of millions of manifests never grows one history without
 * bound.
 */
public final class BulkRescanWorkflowImpl implements BulkRescanWorkflow {
  static final int PAGE_SIZE = 100;
  static final int RESCANS_PER_RUN = 500;

  /** Children named {@code rescan/<digest>}, shared with every other rescan of the manifest. */
  static final String ONE_RESCAN_PER_DIGEST = "one-rescan-per-digest";

  private final ScanActivities database =
      Workflow.newActivityStub(
          ScanActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .build())
              .build());

  private BulkRescanProgress progress = BulkRescanProgress.starting(0);
  private boolean paused;
  private boolean cancelRequested;
  private int running;

  @Override
  public BulkRescanProgress run(BulkRescanRequest request) {
    if (request.progress() == null) {
      progress = BulkRescanProgress.starting(database.countManifests(request.repository()));
    } else {
      progress = request.progress().withState("running");
      paused = "paused".equals(request.progress().state());
    }
    publish();
    String bulkId = Workflow.getInfo().getWorkflowId();
    String cursor = request.after();
    int startedThisRun = 0;
    boolean exhausted = false;
    while (!cancelRequested
        && !exhausted
        && startedThisRun < RESCANS_PER_RUN
        && !Workflow.getInfo().isContinueAsNewSuggested()) {
      ManifestPage page = database.listManifests(request.repository(), cursor, PAGE_SIZE);
      for (String digest : page.digests()) {
        Workflow.await(() -> cancelRequested || (!paused && running < request.concurrency()));
        if (cancelRequested) {
          break;
        }
        startRescan(bulkId, digest, request.force());
        cursor = digest;
        startedThisRun++;
      }
      exhausted = page.next() == null;
      publish();
    }
    // Children are abandoned, not terminated, if this workflow is: a terminated rescan would leave
    // its manifest
    // "scanning". Waiting for them here keeps the counts exact across continue-as-new.
    Workflow.await(() -> running == 0);
    if (cancelRequested) {
      return end("canceled");
    }
    if (!exhausted) {
      Workflow.continueAsNew(
          request.continuingAfter(cursor, progress().withState(paused ? "paused" : "running")));
    }
    return end("finished");
  }

  @Override
  public BulkRescanProgress progress() {
    if (!"running".equals(progress.state())) {
      return progress;
    }
    if (cancelRequested) {
      return progress.withState("canceling");
    }
    return paused ? progress.withState("paused") : progress;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public void cancel() {
    cancelRequested = true;
  }

  /**
   * Runs the manifest's rescan as the workflow {@code rescan/<digest>}, the one the indexer API
   * starts too: when another bulk rescan or a caller's request is indexing the manifest already,
   * the start fails as already started, and the manifest counts as joined rather than being
   * rescanned twice, each superseding the other. Runs recorded before this change named each child
   * after its bulk rescan.
   */
  private void startRescan(String bulkId, String digest, boolean force) {
    boolean shared = Workflow.getVersion(ONE_RESCAN_PER_DIGEST, Workflow.DEFAULT_VERSION, 1) >= 1;
    RescanWorkflow child =
        Workflow.newChildWorkflowStub(
            RescanWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(
                    shared
                        ? ScanWorkflows.rescanWorkflowId(digest)
                        : ScanWorkflows.childWorkflowId(bulkId, digest))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrydockSearchAttributes.MANIFEST_DIGEST, digest)
                        .build())
                .build());
    running++;
    Async.function(child::run, new RescanRequest(digest, force))
        .handle(
            (result, failure) -> {
              running--;
              if (failure == null) {
                progress = progress.plus(result);
              } else if (failure instanceof ChildWorkflowFailure
                  && failure.getCause() instanceof WorkflowExecutionAlreadyStarted) {
                progress = progress.plusJoined();
              } else {
                progress = progress.plusFailed();
              }
              return null;
            });
  }

  private BulkRescanProgress end(String state) {
    progress = progress.withState(state);
    publish();
    return progress;
  }

  private void publish() {
    Workflow.upsertTypedSearchAttributes(
        DrydockSearchAttributes.RESCAN_TOTAL.valueSet(progress.total()),
        DrydockSearchAttributes.RESCAN_DONE.valueSet(progress.done()),
        DrydockSearchAttributes.RESCAN_FAILED.valueSet(progress.failed()));
  }
}

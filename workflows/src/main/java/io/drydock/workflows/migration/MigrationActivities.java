package io.drydock.workflows.migration;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Activities of the migration workflows: the registry database and the legacy storage. Every write
 * is fenced by the request's owner token; a run that no longer owns the repository fails with
 * {@link MigrationFailures#FENCED_OUT}.
 */
@ActivityInterface
public interface MigrationActivities {
  /**
   * Records the manifests of tags {@code [fromTag, fromTag + maxTags)} of the repository (sorted by
   * name), with the children of manifest lists and indexes and their config and layer blobs.
   * Idempotent; heartbeats progress and stops when the run is canceled. Only runs started before
   * {@link #importTags} existed call it.
   */
  @ActivityMethod
  ImportChunk importChunk(ImportRequest request, long fromTag, int maxTags);

  /**
   * Records the manifests of the tags at positions {@code [fromTag, fromTag + maxTags)} of the
   * repository's tags directory in directory order, as {@link #importChunk} does, reading the
   * directory once instead of listing and sorting it: tags added or removed meanwhile may shift the
   * positions, and the final import records whatever a shift made this miss. The counts are the
   * repository's once the last tag is in, {@link ImportCounts#NONE} before.
   */
  @ActivityMethod
  ImportChunk importTags(ImportRequest request, long fromTag, long maxTags);

  /**
   * Records the tags and every manifest pushed since the pre-import, and sets {@code
   * import_complete}, in one transaction: a canceled final import commits nothing.
   */
  @ActivityMethod
  ImportCounts finalImport(ImportRequest request);

  /**
   * Sets the run's final status if the repository is still the run's (idempotent) and marks the run
   * closed; returns whether the status is the run's.
   */
  @ActivityMethod
  boolean finishRun(StatusTransition transition);

  /**
   * Takes a failed run's repository back into progress for a retry: {@code failed} to {@code
   * inProgress}, only while the run still owns it. Returns whether it did.
   */
  @ActivityMethod
  boolean resumeRun(StatusTransition transition);

  /**
   * Cancels the run's repository as a {@code DELETE} would; returns whether the repository was the
   * run's to cancel.
   */
  @ActivityMethod
  boolean cancelRun(ImportRequest request);

  /** Marks a canceled run closed, so the repository may be imported again at once. */
  @ActivityMethod
  void releaseRun(ImportRequest request);

  /**
   * Records the whole pre-import in one activity. Only runs started before pre-imports were split
   * into chunks (workflow version {@code DEFAULT_VERSION} of {@link PreImportWorkflowImpl}) call
   * it.
   */
  @ActivityMethod
  ImportCounts preImport(ImportRequest request);

  /**
   * Compare-and-set of the status; only runs of workflow version {@code DEFAULT_VERSION} call it.
   */
  @ActivityMethod
  boolean transitionStatus(StatusTransition transition);
}

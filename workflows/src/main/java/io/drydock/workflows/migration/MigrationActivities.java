package io.drydock.workflows.migration;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Activities of the migration workflows: the registry database and the legacy storage. */
@ActivityInterface
public interface MigrationActivities {
  /**
   * Records every tagged manifest of the repository (and the children of manifest lists and indexes), its config and
   * layer blobs. Idempotent: a retry or a resumed run skips what is already recorded. Heartbeats progress.
   */
  @ActivityMethod
  ImportCounts preImport(ImportRequest request);

  /** Applies the compare-and-set; returns whether it was applied. */
  @ActivityMethod
  boolean transitionStatus(StatusTransition transition);
}

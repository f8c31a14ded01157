package io.drydock.activities.migration;

import java.util.Optional;

/** How an attempt to claim a repository for an import ended. */
public sealed interface ClaimOutcome {
  /** The repository is now in progress and owned by the new run. */
  record Claimed(RepositoryState state) implements ClaimOutcome {}

  /** The instance already runs its maximum number of imports. */
  record RateLimited(int maxConcurrentImports) implements ClaimOutcome {}

  /** A canceled run has not stopped yet and its grace deadline has not passed. */
  record NotReady(RepositoryState state) implements ClaimOutcome {}

  /**
   * The status does not allow this import (any more): decide from the status it has now, if any.
   */
  record Refused(Optional<RepositoryState> state) implements ClaimOutcome {}
}

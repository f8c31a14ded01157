package io.drydock.activities.migration;

/**
 * The repository no longer carries the writing run's owner token: the run was superseded and must
 * stop.
 */
public final class FencedOutException extends RuntimeException {
  FencedOutException(String repositoryPath) {
    super(
        "repository "
            + repositoryPath
            + " is no longer owned by this run: it was canceled or superseded");
  }
}

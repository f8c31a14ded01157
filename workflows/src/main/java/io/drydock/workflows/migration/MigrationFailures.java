package io.drydock.workflows.migration;

/** Failure types the migration activities raise. */
public final class MigrationFailures {
  /**
   * The repository no longer carries the run's owner token: the run was superseded and must stop.
   */
  public static final String FENCED_OUT = "FencedOut";

  /**
   * The legacy storage holds something that cannot be imported as it is; retrying will not change
   * it.
   */
  public static final String INVALID_LEGACY_DATA = "InvalidLegacyData";

  private MigrationFailures() {}
}

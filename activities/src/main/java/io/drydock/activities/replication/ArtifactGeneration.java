package io.drydock.activities.replication;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The artifact generation: one number that every change to the desired artifact set bumps in its
 * own transaction, so that sleds and workflows can tell an older view of the set from the current
 * one.
 */
final class ArtifactGeneration {
  /** Attempts of the generation compare-and-set before the transaction gives up. */
  private static final int GENERATION_CAS_ATTEMPTS = 10;

  private final JdbcClient jdbc;

  ArtifactGeneration(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  long current() {
    return jdbc.sql("SELECT generation FROM artifact_generation").query(Long.class).single();
  }

  /**
   * Compare-and-set: an increment that read a generation another transaction has since replaced
   * updates no row and reads again.
   */
  long bump() {
    for (int attempt = 0; attempt < GENERATION_CAS_ATTEMPTS; attempt++) {
      long current = current();
      int updated =
          jdbc.sql(
                  """
                  UPDATE artifact_generation SET generation = generation + 1, updated_at = now()
                   WHERE generation = :current""")
              .param("current", current)
              .update();
      if (updated == 1) {
        return current + 1;
      }
    }
    throw new IllegalStateException(
        "the artifact generation kept changing under "
            + GENERATION_CAS_ATTEMPTS
            + " compare-and-set attempts");
  }
}

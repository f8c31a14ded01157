package io.drydock.activities.migration;

import io.drydock.workflows.migration.MigrationStatus;
import java.time.Instant;

/** A row of {@code repositories}: a repository's migration status and the run that owns it. */
public record RepositoryState(
    long id, String path, String name, MigrationStatus status, String error, String ownerToken, Instant updatedAt) {

  /** What the import API reports as {@code detail}: the error text if any, else the status's fixed sentence. */
  public String detail() {
    return error != null && !error.isBlank() ? error : status.detail();
  }
}

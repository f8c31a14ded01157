package io.drydock.activities.migration;

import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A row of {@code repositories}: a repository's migration status, the run that owns it and whether that run has
 * stopped working on it.
 *
 * @param importType the kind of the owning run, or null for a repository no run ever claimed
 * @param ownerClosed false until the owning run has stopped working on the repository
 * @param canceledAt when the repository was last canceled, or null
 */
public record RepositoryState(
    long id,
    String path,
    String name,
    MigrationStatus status,
    String error,
    String ownerToken,
    ImportType importType,
    boolean ownerClosed,
    Instant canceledAt,
    Instant updatedAt) {

  /** What the import API reports as {@code detail}: the error text if any, else the status's fixed sentence. */
  public String detail() {
    return error != null && !error.isBlank() ? error : status.detail();
  }

  public Optional<ImportType> owningImportType() {
    return Optional.ofNullable(importType);
  }
}

package io.drydock.activities.migration;

import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A row of {@code repositories}: a repository's migration status, the run that owns it and whether
 * that run has stopped working on it.
 *
 * @param importType the kind of the owning run, or null for a repository no run ever claimed
 * @param ownerClosed false until the owning run has stopped working on the repository
 * @param canceledAt when the repository was last canceled, or null
 * @param progress the owning pre-import's progress as of its last committed batch, or null
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
    ImportProgress progress,
    Instant updatedAt) {

  /**
   * What the import API reports as {@code detail}: the error text if any, else the status's fixed
   * sentence, with the progress of a pre-import in progress.
   */
  public String detail() {
    if (error != null && !error.isBlank()) {
      return error;
    }
    if (status == MigrationStatus.PRE_IMPORT_IN_PROGRESS && progress != null) {
      return status.detail()
          + " ("
          + progress.tagsDone()
          + " of "
          + progress.tagsTotal()
          + " tags)";
    }
    return status.detail();
  }

  public Optional<ImportType> owningImportType() {
    return Optional.ofNullable(importType);
  }
}

package io.drydock.workflows.migration;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A repository's migration status, with the wire values and transition rules of the GitLab
 * container registry's import API.
 */
public enum MigrationStatus {
  NATIVE("native", "repository is native to the database"),
  PRE_IMPORT_IN_PROGRESS("pre_import_in_progress", "pre import in progress"),
  PRE_IMPORT_COMPLETE("pre_import_complete", "pre import completed successfully"),
  PRE_IMPORT_FAILED("pre_import_failed", "pre import failed"),
  PRE_IMPORT_CANCELED("pre_import_canceled", "pre import canceled"),
  IMPORT_IN_PROGRESS("import_in_progress", "import in progress"),
  IMPORT_COMPLETE("import_complete", "import completed successfully"),
  IMPORT_FAILED("import_failed", "import failed"),
  IMPORT_CANCELED("import_canceled", "import canceled");

  private final String wireValue;
  private final String detail;

  MigrationStatus(String wireValue, String detail) {
    this.wireValue = wireValue;
    this.detail = detail;
  }

  /** The value the API and the database use, e.g. {@code pre_import_complete}. */
  public String wireValue() {
    return wireValue;
  }

  /** The fixed sentence the API reports as {@code detail} when the status carries no error text. */
  public String detail() {
    return detail;
  }

  public static Optional<MigrationStatus> fromWireValue(String value) {
    return Arrays.stream(values()).filter(s -> s.wireValue.equals(value)).findFirst();
  }

  /** Only these count as "on the database": a PUT for them answers 200 and starts nothing. */
  public boolean isOnDatabase() {
    return this == NATIVE || this == IMPORT_COMPLETE;
  }

  /** Statuses a pre-import may start from; a repository with no row may always be pre-imported. */
  public static Set<MigrationStatus> preImportAllowedFrom() {
    return EnumSet.of(
        PRE_IMPORT_COMPLETE,
        PRE_IMPORT_FAILED,
        PRE_IMPORT_CANCELED,
        IMPORT_FAILED,
        IMPORT_CANCELED);
  }

  /** Statuses a final import may start from. */
  public static Set<MigrationStatus> finalImportAllowedFrom() {
    return EnumSet.of(PRE_IMPORT_COMPLETE, IMPORT_FAILED, IMPORT_CANCELED);
  }
}

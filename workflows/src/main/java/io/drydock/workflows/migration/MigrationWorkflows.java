package io.drydock.workflows.migration;

/** Task queue and workflow ids of the migration workflows. */
public final class MigrationWorkflows {
  public static final String TASK_QUEUE = "drydock-migration";

  private MigrationWorkflows() {}

  /**
   * One workflow id per import type and repository, so the Temporal UI finds a run by path and two
   * runs of a type for one repository can never be open at once.
   */
  public static String workflowId(ImportType type, String repositoryPath) {
    return (type == ImportType.PRE ? "pre-import/" : "final-import/") + repositoryPath;
  }

  public static String preImportWorkflowId(String repositoryPath) {
    return workflowId(ImportType.PRE, repositoryPath);
  }
}

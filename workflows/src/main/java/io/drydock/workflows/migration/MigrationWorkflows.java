package io.drydock.workflows.migration;

/** Task queue and workflow ids of the migration workflows. */
public final class MigrationWorkflows {
  public static final String TASK_QUEUE = "drydock-migration";

  private MigrationWorkflows() {}

  /**
   * One pre-import workflow id per repository, so the Temporal UI finds it by path and two runs for one repository
   * can never be open at once.
   */
  public static String preImportWorkflowId(String repositoryPath) {
    return "pre-import/" + repositoryPath;
  }
}

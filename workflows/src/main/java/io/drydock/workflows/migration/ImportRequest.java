package io.drydock.workflows.migration;

/**
 * What a run of an import workflow works on.
 *
 * @param repositoryPath the repository, already validated
 * @param ownerToken the fencing token the API wrote with the {@code *_in_progress} status; every
 *     status write and every batch of rows the run makes is conditional on the repository still
 *     carrying it
 * @param resumeFromTag where a pre-import continued as new resumes: the number of tags already
 *     imported
 * @param waitForOperatorSeconds how long a failed run waits for an operator's {@code retry} or
 *     {@code cancel}
 */
public record ImportRequest(
    String repositoryPath, String ownerToken, long resumeFromTag, long waitForOperatorSeconds) {
  public ImportRequest(String repositoryPath, String ownerToken, long waitForOperatorSeconds) {
    this(repositoryPath, ownerToken, 0, waitForOperatorSeconds);
  }

  ImportRequest resumingFrom(long tag) {
    return new ImportRequest(repositoryPath, ownerToken, tag, waitForOperatorSeconds);
  }
}

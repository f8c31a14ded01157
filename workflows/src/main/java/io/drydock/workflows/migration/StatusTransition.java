package io.drydock.workflows.migration;

/**
 * A compare-and-set of a repository's status: applied only if the repository is still in {@code
 * expected} and still owned by {@code ownerToken}, so a superseded run can never overwrite a newer
 * status.
 */
public record StatusTransition(
    String repositoryPath,
    String ownerToken,
    MigrationStatus expected,
    MigrationStatus next,
    String error) {}

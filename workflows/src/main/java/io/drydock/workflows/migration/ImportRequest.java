package io.drydock.workflows.migration;

/**
 * What a run of an import workflow works on.
 *
 * @param repositoryPath the repository, already validated
 * @param ownerToken the fencing token the API wrote with the {@code *_in_progress} status; every status write and
 *     every batch of rows the run makes is conditional on the repository still carrying it
 */
public record ImportRequest(String repositoryPath, String ownerToken) {}

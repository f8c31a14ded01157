package io.drydock.workflows.replication;

import java.util.List;

/**
 * An uploaded repository whose artifacts are still kept in the local depot, and those artifacts
 * (sha256 hex).
 */
public record LocalRepository(String repositoryId, List<String> artifacts) {}

package io.drydock.workflows.migration;

/**
 * Heartbeat progress of an import: how many of the repository's tags have been processed. A retried
 * attempt resumes after {@code tagsDone}.
 */
public record ImportProgress(long tagsDone, long tagsTotal) {}

package io.drydock.activities.replication;

/**
 * @param created false when the same repository (same targets.json) was uploaded before: nothing
 *     was changed
 * @param generation the artifact-set generation after the upload
 */
public record UploadOutcome(boolean created, long generation, StoredRepository repository) {}

package io.drydock.activities.replication;

/** One target of an uploaded repository: its TUF name, and the hash and length of its bytes. */
public record RepositoryTarget(String name, String sha256, long length) {}

package io.drydock.workflows.replication;

/**
 * What one request to a sled did. Activities also append each one to the request log the API
 * serves.
 *
 * @param kind {@code put} (the depot streams the artifact) or {@code copy} (the target copies from
 *     {@code sourceSledId})
 * @param bytesSentByDepot bytes the local depot sent (the artifact's length for a put, 0 for a
 *     copy)
 */
public record RequestOutcome(
    String kind,
    String targetSledId,
    String sourceSledId,
    String sha256,
    long generation,
    boolean ok,
    String error,
    long bytesSentByDepot) {}

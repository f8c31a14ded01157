package io.drydock.activities.replication;

import java.time.Instant;

/**
 * One request sent to a sled, as the request log keeps it.
 *
 * @param kind {@code config} (PUT /artifacts-config), {@code list} (GET /artifacts), {@code put}
 *     (the depot streamed the artifact) or {@code copy} (the target copied it from {@code
 *     sourceSled}, polled until listed)
 * @param error null when the request succeeded
 */
public record RecordedRequest(
    long id,
    Instant at,
    String kind,
    String targetSled,
    String sourceSled,
    String sha256,
    long generation,
    boolean ok,
    String error) {}

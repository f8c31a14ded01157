package io.drydock.activities.replication;

import java.time.Instant;
import java.util.List;

/**
 * An uploaded repository as the database holds it.
 *
 * @param id hex SHA-256 of the uploaded targets.json bytes
 * @param name {@code signed.custom.name} of targets.json, or null
 * @param systemVersion {@code signed.custom.system_version} of targets.json, or null
 * @param targetsVersion {@code signed.version} of targets.json
 * @param localFreedAt when the local copies of its artifacts were freed; null while the depot keeps
 *     them
 * @param artifacts its targets, by name
 */
public record StoredRepository(
    String id,
    String name,
    String systemVersion,
    long targetsVersion,
    Instant uploadedAt,
    Instant localFreedAt,
    List<RepositoryTarget> artifacts) {}

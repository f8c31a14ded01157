package io.drydock.workflows.replication;

import java.util.List;

/**
 * The desired state read in one database transaction, so generation and artifact set always belong
 * together.
 *
 * @param generation the artifact-set generation; bumped (compare-and-set) by every upload and
 *     delete
 * @param artifacts sha256 (hex) of every artifact of every repository, sorted
 * @param inServiceSleds ids of the registered sleds that are in service, sorted
 * @param localRepositories repositories not yet freed, with their artifacts present in the local
 *     depot
 */
public record DesiredArtifacts(
    long generation,
    List<String> artifacts,
    List<String> inServiceSleds,
    List<LocalRepository> localRepositories) {}

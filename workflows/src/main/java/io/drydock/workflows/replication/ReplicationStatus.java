package io.drydock.workflows.replication;

import java.util.List;

/** Answer of the {@code status} query: what the workflow knows now. */
public record ReplicationStatus(
    ReplicationSettings settings,
    boolean paused,
    boolean activationRunning,
    long activations,
    long generation,
    ReplicationCounters lifetime,
    ActivationSummary lastRun,
    List<LocalRepository> localRepositories,
    List<String> lost) {}

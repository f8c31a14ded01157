package io.drydock.workflows.replication;

import java.util.List;

/**
 * What one run of {@link ReplicationWorkflow} hands to the next at continue-as-new.
 *
 * @param lifetime counters since the workflow was first started
 * @param lastRun counters of the last finished activation, null before the first
 * @param lost artifacts referenced by a repository that are on no sled and no longer local (sha256
 *     hex)
 * @param pendingActivation a signal arrived that no activation has served yet, or the last
 *     activation stopped early (stale view) and its retry is owed
 * @param localRepositories the local repositories the last activation loaded, so the status query
 *     shows them until the next activation loads them again; null in a carry written before this
 *     component existed
 */
public record ReplicationCarry(
    ReplicationSettings settings,
    boolean paused,
    boolean pendingActivation,
    long activations,
    ReplicationCounters lifetime,
    ActivationSummary lastRun,
    List<String> lost,
    List<LocalRepository> localRepositories) {
  public static ReplicationCarry first(ReplicationSettings settings) {
    return new ReplicationCarry(
        settings, false, true, 0, ReplicationCounters.zero(), null, List.of(), List.of());
  }
}

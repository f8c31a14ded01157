package io.drydock.workflows.replication;

import java.util.List;

/**
 * One activation's outcome.
 *
 * @param startedAtMillis workflow time the activation started
 * @param generation the generation it worked on
 * @param outcome {@code converged} (every artifact on every reachable in-service sled), {@code
 *     partial} (requests failed or sleds unreachable; the next activation continues), {@code stale}
 *     (a sled knew a newer generation: the view was stale and the activation stopped before
 *     planning), {@code no-sleds}, {@code failed} (reading the desired state or freeing failed for
 *     good; retried like a stale one)
 * @param rounds the longest chain of requests (a put, then a copy per hop) that succeeded; before
 *     the {@code pipelined-replication} version, the rounds the activation sent
 * @param freedRepositories repositories whose local copies this activation freed
 */
public record ActivationSummary(
    long startedAtMillis,
    long finishedAtMillis,
    long generation,
    String outcome,
    int rounds,
    ReplicationCounters counters,
    List<String> unreachableSleds,
    List<String> freedRepositories) {}

package io.drydock.workflows.replication;

import java.util.List;

/**
 * What {@link ReplicationPlanner} decided for one view of the fleet.
 *
 * @param rounds requests in the order they may run: every request of a round may run at once, and a
 *     round's sources hold their artifact once the rounds before it succeeded; empty when every
 *     artifact that can be replicated is everywhere it should be
 * @param lost artifacts on no sled and no longer local, while every in-service sled answered: no
 *     activation can bring them back
 * @param unavailable artifacts on no reachable sled and no longer local while some sled is
 *     unreachable: they may be on that sled, so they are not called lost yet, but nothing can send
 *     them in this activation
 * @param freeableRepositories local repositories each of whose artifacts is already on enough sleds
 */
record ReplicationPlan(
    List<List<PlannedRequest>> rounds,
    List<String> lost,
    List<String> unavailable,
    List<String> freeableRepositories) {

  boolean nothingToSend() {
    return rounds.isEmpty();
  }
}

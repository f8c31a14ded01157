package io.drydock.workflows.replication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Pipelined replication of one activation: hands out the next request whenever the workflow has a
 * free slot, and learns each outcome as it arrives, so a sled that just received an artifact serves
 * the next copy of it at once instead of waiting for a round's slowest copy. Pure and seeded like
 * {@link ReplicationPlanner}, so replay hands out the same requests.
 *
 * <ul>
 *   <li>The depot puts an artifact only when no reachable sled holds it, one put of it in flight at
 *       a time, and never again once a put of it succeeded.
 *   <li>A holder serves at most one copy of an artifact at a time, and a sled never receives the
 *       same artifact twice at once.
 *   <li>A copy's source is at most {@code ceil(log2 N)} hops from the depot, so no chain of copies
 *       (put, copy, copy, ...) is longer than {@code ceil(log2 N) + 1}: doubling's depth, however
 *       unevenly the copies finish.
 *   <li>Among the requests that may start, one between the least busy sleds goes first (each sled's
 *       link is shared by everything it sends and receives, and the depot's by its puts in flight),
 *       then the artifact on the fewest sleds, then the generator's choice.
 *   <li>A failed request is retried up to {@link #ATTEMPTS} times per artifact and target, pairing
 *       a target with a source whose copy to it failed only when no other holder is free; a sled
 *       involved in {@link #ATTEMPTS} failures in a row is left alone for the rest of the
 *       activation, whose next activation asks it again.
 * </ul>
 */
final class ReplicationPipeline {
  /**
   * Tries of one artifact onto one target: the first and the retries the round-based activation
   * allowed.
   */
  static final int ATTEMPTS = 1 + ActivationRequests.RETRY_ROUNDS;

  private static final int BUSY_PAIR_PENALTY = 1_000;

  private final List<String> sleds;
  private final List<String> artifacts;
  private final Set<String> local;
  private final int maxHops;
  private final SplittableRandom random;

  /**
   * Artifact to its holders, each with its hops from the depot; a holder before the activation
   * counts one hop.
   */
  private final Map<String, Map<String, Integer>> hops = new TreeMap<>();

  private final Map<String, Set<String>> receiving = new HashMap<>();
  private final Set<String> serving = new HashSet<>();
  private final Set<String> putting = new HashSet<>();
  private final Set<String> failedPairs = new HashSet<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Map<String, Integer> transfers = new HashMap<>();

  /**
   * From {@link ReplicationWorkflowImpl#RECOPY} on: the holders of each artifact that list it on
   * fewer than {@link FleetView#EXPECTED_COPIES} disks, sent it again from another holder as
   * omicron's Nexus does; before, such a sled counted as holding it, and kept one copy for good.
   */
  private final Map<String, Set<String>> recopy = new HashMap<>();

  private final Map<String, Integer> failuresInARow = new HashMap<>();
  private int longestChain;

  ReplicationPipeline(FleetView fleet, long seed) {
    this(fleet, seed, false);
  }

  ReplicationPipeline(FleetView fleet, long seed, boolean recopyIncomplete) {
    this.sleds = fleet.reachableSleds();
    this.artifacts = fleet.artifacts();
    this.local = fleet.localArtifacts();
    this.maxHops = 1 + ceilLog2(sleds.size());
    this.random = new SplittableRandom(seed);
    for (String artifact : artifacts) {
      Map<String, Integer> holding = new TreeMap<>();
      fleet.holders().get(artifact).forEach(sled -> holding.put(sled, 1));
      hops.put(artifact, holding);
      receiving.put(artifact, new HashSet<>());
      recopy.put(
          artifact,
          recopyIncomplete
              ? new HashSet<>(fleet.incomplete().getOrDefault(artifact, Set.of()))
              : new HashSet<>());
    }
  }

  /**
   * The request to start now, or empty when none may start until a request in flight finishes (or
   * none is left).
   */
  Optional<PlannedRequest> next() {
    List<String> order = new ArrayList<>(artifacts);
    order.sort(
        Comparator.comparingInt(
            artifact -> hops.get(artifact).size() + receiving.get(artifact).size()));
    int offset = sleds.isEmpty() ? 0 : random.nextInt(sleds.size());
    PlannedRequest best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String artifact : order) {
      for (int i = 0; i < sleds.size() && bestScore > 0; i++) {
        String target = sleds.get((i + offset) % sleds.size());
        if (!mayReceive(artifact, target)) {
          continue;
        }
        PlannedRequest candidate =
            hops.get(artifact).isEmpty() ? put(artifact, target) : copy(artifact, target);
        if (candidate != null && score(candidate) < bestScore) {
          best = candidate;
          bestScore = score(candidate);
        }
      }
    }
    if (best != null) {
      started(best);
    }
    return Optional.ofNullable(best);
  }

  /** Learns the outcome of a request {@link #next} handed out. */
  void finished(PlannedRequest request, boolean ok) {
    String artifact = request.sha256();
    String target = request.targetSledId();
    receiving.get(artifact).remove(target);
    release(target);
    if (request.kind() == PlannedRequest.Kind.PUT) {
      putting.remove(artifact);
    } else {
      serving.remove(artifact + "/" + request.sourceSledId());
      release(request.sourceSledId());
    }
    if (ok) {
      recopy.get(artifact).remove(target);
      int depth =
          request.kind() == PlannedRequest.Kind.PUT
              ? 1
              : hops.get(artifact).get(request.sourceSledId()) + 1;
      // A sled sent an artifact again already held it, as near the depot as before.
      hops.get(artifact).merge(target, depth, Math::min);
      longestChain = Math.max(longestChain, depth);
      failuresInARow.remove(target);
      failuresInARow.remove(request.sourceSledId());
    } else {
      attempts.merge(artifact + "/" + target, 1, Integer::sum);
      failedPairs.add(pairKey(request));
      failuresInARow.merge(target, 1, Integer::sum);
      if (request.sourceSledId() != null) {
        failuresInARow.merge(request.sourceSledId(), 1, Integer::sum);
      }
    }
  }

  /**
   * Hops of the longest chain of requests that succeeded in this activation: 1 for a put, 1 more
   * per copy.
   */
  int longestChain() {
    return longestChain;
  }

  private boolean mayReceive(String artifact, String target) {
    return (!hops.get(artifact).containsKey(target) || recopy.get(artifact).contains(target))
        && !receiving.get(artifact).contains(target)
        && attempts.getOrDefault(artifact + "/" + target, 0) < ATTEMPTS
        && healthy(target);
  }

  private PlannedRequest put(String artifact, String target) {
    return local.contains(artifact) && !putting.contains(artifact)
        ? PlannedRequest.put(artifact, target)
        : null;
  }

  /**
   * The copy onto the target from its best free source, or null when no holder is free to serve it.
   */
  private PlannedRequest copy(String artifact, String target) {
    PlannedRequest best = null;
    for (Map.Entry<String, Integer> holder : hops.get(artifact).entrySet()) {
      String source = holder.getKey();
      if (!source.equals(target)
          && holder.getValue() < maxHops
          && !serving.contains(artifact + "/" + source)
          && healthy(source)) {
        PlannedRequest candidate = PlannedRequest.copy(artifact, target, source);
        if (best == null || score(candidate) < score(best)) {
          best = candidate;
        }
      }
    }
    return best;
  }

  /**
   * Transfers already on the links of the target and the source (or depot), and a penalty for a
   * failed pairing.
   */
  private int score(PlannedRequest request) {
    int source = request.sourceSledId() == null ? putting.size() : load(request.sourceSledId());
    int busy = load(request.targetSledId()) + source;
    return busy + (failedPairs.contains(pairKey(request)) ? BUSY_PAIR_PENALTY : 0);
  }

  private void started(PlannedRequest request) {
    String artifact = request.sha256();
    receiving.get(artifact).add(request.targetSledId());
    transfers.merge(request.targetSledId(), 1, Integer::sum);
    if (request.kind() == PlannedRequest.Kind.PUT) {
      putting.add(artifact);
    } else {
      serving.add(artifact + "/" + request.sourceSledId());
      transfers.merge(request.sourceSledId(), 1, Integer::sum);
    }
  }

  private void release(String sled) {
    transfers.merge(sled, -1, Integer::sum);
  }

  private int load(String sled) {
    return transfers.getOrDefault(sled, 0);
  }

  private boolean healthy(String sled) {
    return failuresInARow.getOrDefault(sled, 0) < ATTEMPTS;
  }

  private static String pairKey(PlannedRequest request) {
    return request.sha256() + "/" + request.targetSledId() + "/" + request.sourceSledId();
  }

  private static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }
}

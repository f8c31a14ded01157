package io.drydock.workflows.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Decides the requests that bring every desired artifact onto every reachable sled. A pure function
 * of the view, the requests that already failed in this activation and a seed, so it is tested
 * without Temporal, and the workflow passes a seed from {@code Workflow.newRandom()} so that replay
 * plans the same.
 *
 * <p>Unlike Oxide, which sent every artifact from the control plane to three sleds, the depot sends
 * each artifact once: only when no reachable sled holds it, to one random reachable sled. Every
 * other reachable sled that misses it copies it from a sled that holds it, each holder serving at
 * most one copy of an artifact per round, so the holders of an artifact double every round and N
 * sleds are reached in ceil(log2 N) rounds after the put.
 *
 * <p>Since the {@code pipelined-replication} version an activation sends what {@link
 * ReplicationPipeline} hands out and takes from the plan only what is lost, unavailable and
 * freeable, and whether anything is left to send; runs that started before it send the plan's
 * rounds.
 */
final class ReplicationPlanner {
  private ReplicationPlanner() {}

  static ReplicationPlan plan(FleetView fleet, long seed) {
    return plan(fleet, Set.of(), seed);
  }

  /**
   * @param failed requests that failed earlier in this activation: a sled that refused a put, or a
   *     target and source whose copy failed, are paired again only when there is no other choice
   */
  static ReplicationPlan plan(FleetView fleet, Set<PlannedRequest> failed, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> local = fleet.localArtifacts();
    List<List<PlannedRequest>> rounds = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<String> unavailable = new ArrayList<>();
    for (String artifact : fleet.artifacts()) {
      List<String> holders = new ArrayList<>(fleet.holders().get(artifact));
      int round = 0;
      if (holders.isEmpty()) {
        if (!local.contains(artifact)) {
          (fleet.unreachableSleds().isEmpty() ? lost : unavailable).add(artifact);
          continue;
        }
        if (fleet.reachableSleds().isEmpty()) {
          continue;
        }
        List<String> targets =
            preferring(
                fleet.reachableSleds(),
                sled -> !failed.contains(PlannedRequest.put(artifact, sled)));
        String target = targets.get(random.nextInt(targets.size()));
        round(rounds, round++).add(PlannedRequest.put(artifact, target));
        holders.add(target);
      }
      List<String> missing = new ArrayList<>(fleet.reachableSleds());
      missing.removeAll(holders);
      while (!missing.isEmpty()) {
        List<PlannedRequest> copies = copyRound(artifact, holders, missing, failed, random);
        round(rounds, round++).addAll(copies);
        for (PlannedRequest copy : copies) {
          holders.add(copy.targetSledId());
          missing.remove(copy.targetSledId());
        }
      }
    }
    // Spreads each round's requests over sleds and artifacts: only a few of them run at once.
    rounds.forEach(requests -> shuffle(requests, random));
    return new ReplicationPlan(
        rounds.stream().map(List::copyOf).toList(),
        List.copyOf(lost),
        List.copyOf(unavailable),
        freeableRepositories(fleet));
  }

  /**
   * One round of copies of one artifact: random missing sleds, each from a distinct random holder.
   */
  private static List<PlannedRequest> copyRound(
      String artifact,
      List<String> holders,
      List<String> missing,
      Set<PlannedRequest> failed,
      SplittableRandom random) {
    List<String> sources = new ArrayList<>(holders);
    shuffle(sources, random);
    List<String> targets = new ArrayList<>(missing);
    shuffle(targets, random);
    List<PlannedRequest> copies = new ArrayList<>();
    for (String target : targets.subList(0, Math.min(sources.size(), targets.size()))) {
      String source =
          preferring(
                  sources,
                  holder -> !failed.contains(PlannedRequest.copy(artifact, target, holder)))
              .get(0);
      sources.remove(source);
      copies.add(PlannedRequest.copy(artifact, target, source));
    }
    return copies;
  }

  /**
   * Repositories whose local copies may go: each of their artifacts is on enough sleds according to
   * the reports, that is before this activation sends anything. So an upload is replicated by one
   * activation and freed by the next, which sees the copies the sleds actually list.
   */
  private static List<String> freeableRepositories(FleetView fleet) {
    int needed = fleet.sledsNeededToFree();
    List<String> freeable = new ArrayList<>();
    for (LocalRepository repository : fleet.localRepositories()) {
      boolean replicated =
          repository.artifacts().stream()
              .allMatch(
                  artifact -> fleet.holders().getOrDefault(artifact, Set.of()).size() >= needed);
      if (replicated) {
        freeable.add(repository.repositoryId());
      }
    }
    return List.copyOf(freeable);
  }

  /** The candidates that pass, or all of them when none does. */
  private static List<String> preferring(List<String> candidates, Predicate<String> preferred) {
    List<String> passing = candidates.stream().filter(preferred).toList();
    return passing.isEmpty() ? candidates : passing;
  }

  private static List<PlannedRequest> round(List<List<PlannedRequest>> rounds, int index) {
    while (rounds.size() <= index) {
      rounds.add(new ArrayList<>());
    }
    return rounds.get(index);
  }

  /**
   * Fisher-Yates with the planner's own generator: {@code Collections.shuffle} wants a {@code
   * java.util.Random}.
   */
  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
  }
}

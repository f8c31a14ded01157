package io.drydock.workflows.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one activation knows of the fleet, and the input of {@link ReplicationPlanner}: the desired
 * artifacts, which in-service sleds answered and what each of them holds, and what the local depot
 * still keeps.
 *
 * <p>Only sleds that listed their artifacts are <em>reachable</em>. An unreachable sled counts as
 * holding nothing, and it is neither a target nor a source for the rest of the activation: a
 * request to it would most likely fail and would hold one of the few in-flight slots for up to its
 * timeout, and it may be unreachable because it is being pulled out of service. The next activation
 * asks it again.
 *
 * @param holders every desired artifact to the reachable sleds that hold at least one copy of it
 * @param incomplete every desired artifact to the reachable sleds that hold it on fewer than {@link
 *     #EXPECTED_COPIES} of their disks: holders that can serve it, and should be sent it again
 * @param inServiceSleds how many sleds are in service, reachable or not; the replication a
 *     repository needs before its local copies are freed is counted against it, so an unreachable
 *     sled never lowers that bar
 */
record FleetView(
    long generation,
    List<String> artifacts,
    List<String> reachableSleds,
    List<String> unreachableSleds,
    Map<String, Set<String>> holders,
    Map<String, Set<String>> incomplete,
    List<LocalRepository> localRepositories,
    int inServiceSleds,
    int minSledReplication) {
  /**
   * Copies a sled keeps of an artifact, one on each of its two M.2 disks: omicron's Nexus sends an
   * artifact again to a sled listing fewer (EXPECTED_COUNT in
   * nexus/src/app/background/tasks/tuf_artifact_replication.rs, oxidecomputer/omicron at
   * b848b6df85531e85aaaa6d434dfb5bfd45bb42ce). A sled killed between writing its two disks lists
   * one.
   */
  static final int EXPECTED_COPIES = 2;

  /**
   * The view from an activation's desired state and its sleds' reports. A sled that is in service
   * but sent no report, or a report other than {@link SledReport.State#LISTED}, is unreachable;
   * reports of sleds not in service are ignored.
   */
  static FleetView of(DesiredArtifacts desired, List<SledReport> reports, int minSledReplication) {
    Map<String, SledReport> listed = new TreeMap<>();
    for (SledReport report : reports) {
      if (report.state() == SledReport.State.LISTED) {
        listed.put(report.sledId(), report);
      }
    }
    Set<String> inService = new TreeSet<>(desired.inServiceSleds());
    List<String> reachable = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (String sled : inService) {
      (listed.containsKey(sled) ? reachable : unreachable).add(sled);
    }
    Map<String, Set<String>> holders = new TreeMap<>();
    Map<String, Set<String>> incomplete = new TreeMap<>();
    for (String artifact : new TreeSet<>(desired.artifacts())) {
      Set<String> holding = new TreeSet<>();
      Set<String> fewer = new TreeSet<>();
      for (String sled : reachable) {
        Integer copies = listed.get(sled).copies().get(artifact);
        if (copies != null && copies > 0) {
          holding.add(sled);
          if (copies < EXPECTED_COPIES) {
            fewer.add(sled);
          }
        }
      }
      holders.put(artifact, Collections.unmodifiableSet(holding));
      incomplete.put(artifact, Collections.unmodifiableSet(fewer));
    }
    return new FleetView(
        desired.generation(),
        List.copyOf(holders.keySet()),
        List.copyOf(reachable),
        List.copyOf(unreachable),
        Collections.unmodifiableMap(holders),
        Collections.unmodifiableMap(incomplete),
        List.copyOf(desired.localRepositories()),
        inService.size(),
        minSledReplication);
  }

  /** Artifacts the depot can still send. */
  Set<String> localArtifacts() {
    Set<String> local = new TreeSet<>();
    localRepositories.forEach(repository -> local.addAll(repository.artifacts()));
    return local;
  }

  /**
   * On how many sleds every artifact of a repository must be before its local copies may be freed:
   * the configured minimum, or every in-service sled when there are fewer. Never less than one:
   * with no sled in service the depot holds the only copies.
   */
  int sledsNeededToFree() {
    return Math.max(1, Math.min(minSledReplication, inServiceSleds));
  }

  /** The view after a round: every successful request's target now holds its artifact. */
  FleetView afterOutcomes(Collection<RequestOutcome> outcomes) {
    Map<String, Set<String>> updated = new TreeMap<>(holders);
    Map<String, Set<String>> stillIncomplete = new TreeMap<>(incomplete);
    for (RequestOutcome outcome : outcomes) {
      Set<String> holding = updated.get(outcome.sha256());
      if (outcome.ok() && holding != null && reachableSleds.contains(outcome.targetSledId())) {
        Set<String> grown = new TreeSet<>(holding);
        grown.add(outcome.targetSledId());
        updated.put(outcome.sha256(), Collections.unmodifiableSet(grown));
        Set<String> fewer = new TreeSet<>(stillIncomplete.getOrDefault(outcome.sha256(), Set.of()));
        fewer.remove(outcome.targetSledId());
        stillIncomplete.put(outcome.sha256(), Collections.unmodifiableSet(fewer));
      }
    }
    return new FleetView(
        generation,
        artifacts,
        reachableSleds,
        unreachableSleds,
        Collections.unmodifiableMap(updated),
        Collections.unmodifiableMap(stillIncomplete),
        localRepositories,
        inServiceSleds,
        minSledReplication);
  }

  /** The view after the local copies of these repositories were freed. */
  FleetView withoutRepositories(Collection<String> freed) {
    List<LocalRepository> kept =
        localRepositories.stream()
            .filter(repository -> !freed.contains(repository.repositoryId()))
            .toList();
    return new FleetView(
        generation,
        artifacts,
        reachableSleds,
        unreachableSleds,
        holders,
        incomplete,
        kept,
        inServiceSleds,
        minSledReplication);
  }
}

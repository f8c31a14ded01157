package io.drydock.workflows.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.drydock.workflows.replication.PlannedRequest.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplicationPlannerTest {
  static final long GENERATION = 7;
  private static final long SEED = 42;

  @Test
  void aNewSledCopiesEveryArtifactFromTheSledsThatHoldItAndTheDepotSendsNothing() {
    FleetView fleet =
        fleet(
            List.of("x", "y"),
            List.of(),
            listed("a", "x", "y"),
            listed("b", "x", "y"),
            listed("c", "x", "y"),
            listed("d"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.rounds()).hasSize(1);
    assertThat(plan.rounds().get(0))
        .extracting(PlannedRequest::kind, PlannedRequest::sha256, PlannedRequest::targetSledId)
        .containsExactlyInAnyOrder(tuple(Kind.COPY, "x", "d"), tuple(Kind.COPY, "y", "d"));
    assertThat(plan.rounds().get(0))
        .extracting(PlannedRequest::sourceSledId)
        .isSubsetOf("a", "b", "c");
    assertThat(plan.lost()).isEmpty();
  }

  @Test
  void anUnreachableSledIsNeitherTargetNorSourceAndHoldsNothing() {
    FleetView fleet =
        fleet(
            List.of("x"), List.of(), listed("a", "x"), listed("b"), unreachable("c"), listed("d"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(fleet.unreachableSleds()).containsExactly("c");
    assertThat(allRequests(plan))
        .extracting(PlannedRequest::targetSledId)
        .containsExactlyInAnyOrder("b", "d");
    assertThat(allRequests(plan)).noneMatch(request -> "c".equals(request.sourceSledId()));
    assertThat(holdersAfter(fleet, plan).get("x")).containsExactly("a", "b", "d");
  }

  @Test
  void anInServiceSledWithoutAReportIsUnreachableAndAReportOfASledOutOfServiceIsIgnored() {
    DesiredArtifacts desired =
        new DesiredArtifacts(GENERATION, List.of("x"), List.of("a", "b"), List.of());
    FleetView fleet = FleetView.of(desired, List.of(listed("a", "x"), listed("retired", "x")), 3);

    assertThat(fleet.reachableSleds()).containsExactly("a");
    assertThat(fleet.unreachableSleds()).containsExactly("b");
    assertThat(fleet.holders().get("x")).containsExactly("a");
  }

  @Test
  void partiallyReplicatedArtifactsDoubleTheirHoldersEachRound() {
    FleetView fleet =
        fleet(
            List.of("x"),
            List.of(),
            listed("a", "x"),
            listed("b", "x"),
            listed("c"),
            listed("d"),
            listed("e"),
            listed("f"),
            listed("g"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.rounds()).extracting(List::size).containsExactly(2, 3);
    assertThat(plan.rounds().get(0))
        .extracting(PlannedRequest::sourceSledId)
        .containsExactlyInAnyOrder("a", "b");
    assertThat(holdersAfter(fleet, plan).get("x"))
        .containsExactly("a", "b", "c", "d", "e", "f", "g");
  }

  @Test
  void theDepotSendsAnArtifactOnceAndSixteenSledsAreReachedInFiveRounds() {
    List<SledReport> reports =
        IntStream.range(0, 16).mapToObj(i -> listed("sled-" + (char) ('a' + i))).toList();
    FleetView fleet =
        fleet(List.of("x"), List.of(new LocalRepository("repo-1", List.of("x"))), reports);

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(allRequests(plan)).filteredOn(request -> request.kind() == Kind.PUT).hasSize(1);
    assertThat(plan.rounds().get(0))
        .singleElement()
        .extracting(PlannedRequest::kind)
        .isEqualTo(Kind.PUT);
    assertThat(plan.rounds()).extracting(List::size).containsExactly(1, 1, 2, 4, 8);
    assertThat(holdersAfter(fleet, plan).get("x")).hasSize(16);
  }

  @Test
  void aFailedPutIsPutAgainPreferablyToAnotherSled() {
    FleetView fleet =
        fleet(
            List.of("x"),
            List.of(new LocalRepository("repo-1", List.of("x"))),
            listed("a"),
            listed("b"));
    PlannedRequest put = ReplicationPlanner.plan(fleet, SEED).rounds().get(0).get(0);
    FleetView afterFailure = fleet.afterOutcomes(List.of(failed(put)));

    for (long seed = 0; seed < 50; seed++) {
      ReplicationPlan retry = ReplicationPlanner.plan(afterFailure, Set.of(put), seed);

      assertThat(retry.rounds().get(0))
          .singleElement()
          .satisfies(
              again -> {
                assertThat(again.kind()).isEqualTo(Kind.PUT);
                assertThat(again.targetSledId()).isNotEqualTo(put.targetSledId());
              });
    }
  }

  @Test
  void aFailedCopyIsRetriedFromAnotherHolder() {
    FleetView fleet =
        fleet(List.of("x"), List.of(), listed("a", "x"), listed("b", "x"), listed("c"));
    PlannedRequest fromA = PlannedRequest.copy("x", "c", "a");

    for (long seed = 0; seed < 50; seed++) {
      ReplicationPlan retry = ReplicationPlanner.plan(fleet, Set.of(fromA), seed);

      assertThat(retry.rounds()).containsExactly(List.of(PlannedRequest.copy("x", "c", "b")));
    }
  }

  @Test
  void theOnlyHolderOfAFailedCopyIsAskedAgain() {
    FleetView fleet = fleet(List.of("x"), List.of(), listed("a", "x"), listed("c"));
    PlannedRequest fromA = PlannedRequest.copy("x", "c", "a");

    assertThat(ReplicationPlanner.plan(fleet, Set.of(fromA), SEED).rounds())
        .containsExactly(List.of(fromA));
  }

  @Test
  void nothingToDoWhenEveryArtifactIsEverywhere() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("x", "y"));
    FleetView fleet =
        fleet(
            List.of("x", "y"),
            List.of(repository),
            listed("a", "x", "y"),
            listed("b", "x", "y"),
            listed("c", "x", "y"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.nothingToSend()).isTrue();
    assertThat(plan.lost()).isEmpty();
    assertThat(plan.unavailable()).isEmpty();
    assertThat(plan.freeableRepositories()).containsExactly("repo-1");
  }

  @Test
  void withFewerSledsThanTheMinimumARepositoryIsFreedOnceOnEverySled() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("x"));

    FleetView onOneOfTwo = fleet(List.of("x"), List.of(repository), listed("a", "x"), listed("b"));
    FleetView onBoth = fleet(List.of("x"), List.of(repository), listed("a", "x"), listed("b", "x"));

    assertThat(onOneOfTwo.sledsNeededToFree()).isEqualTo(2);
    assertThat(ReplicationPlanner.plan(onOneOfTwo, SEED).freeableRepositories()).isEmpty();
    assertThat(ReplicationPlanner.plan(onBoth, SEED).freeableRepositories())
        .containsExactly("repo-1");
  }

  @Test
  void aRepositoryIsFreedOnlyWhenEachOfItsArtifactsIsOnTheMinimumNumberOfSleds() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("x", "y"));
    FleetView fleet =
        fleet(
            List.of("x", "y"),
            List.of(repository),
            listed("a", "x", "y"),
            listed("b", "x", "y"),
            listed("c", "x"),
            listed("d"));

    assertThat(ReplicationPlanner.plan(fleet, SEED).freeableRepositories()).isEmpty();
    FleetView afterCopy =
        fleet.afterOutcomes(List.of(succeeded(PlannedRequest.copy("y", "d", "a"))));
    assertThat(ReplicationPlanner.plan(afterCopy, SEED).freeableRepositories())
        .containsExactly("repo-1");
  }

  @Test
  void withNoSledsNothingIsSentNothingFreedAndOnlyWhatIsNotLocalIsLost() {
    FleetView fleet =
        fleet(List.of("x", "y"), List.of(new LocalRepository("repo-1", List.of("x"))));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.nothingToSend()).isTrue();
    assertThat(plan.freeableRepositories()).isEmpty();
    assertThat(plan.lost()).containsExactly("y");
  }

  @Test
  void anArtifactOnNoSledAndNoLongerLocalIsLostAndNoRequestNamesIt() {
    FleetView fleet = fleet(List.of("x", "y"), List.of(), listed("a", "x"), listed("b"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.lost()).containsExactly("y");
    assertThat(plan.unavailable()).isEmpty();
    assertThat(allRequests(plan)).containsExactly(PlannedRequest.copy("x", "b", "a"));
  }

  @Test
  void anArtifactWhoseOnlyHolderIsUnreachableButStillLocalIsPutAgainAndItsRepositoryIsKept() {
    FleetView fleet =
        fleet(
            List.of("x"),
            List.of(new LocalRepository("repo-1", List.of("x"))),
            listed("a"),
            listed("b"),
            // c holds x, but it does not answer, so nobody learns it.
            unreachable("c"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.rounds().get(0))
        .singleElement()
        .extracting(PlannedRequest::kind)
        .isEqualTo(Kind.PUT);
    assertThat(holdersAfter(fleet, plan).get("x")).containsExactly("a", "b");
    assertThat(plan.freeableRepositories()).isEmpty();
  }

  /**
   * Not lost: the unreachable sled may hold it and answer in the next activation, so calling it
   * lost would raise a false alarm every time a sled reboots. It is reported as unavailable, and
   * nothing that needs it is freed.
   */
  @Test
  void anArtifactPossiblyOnlyOnAnUnreachableSledAndNotLocalIsUnavailableNotLost() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("y"));
    FleetView fleet =
        fleet(
            List.of("x", "y"),
            List.of(repository),
            listed("a", "y"),
            listed("b", "y"),
            unreachable("c"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.lost()).isEmpty();
    assertThat(plan.unavailable()).containsExactly("x");
    assertThat(allRequests(plan)).isEmpty();
    assertThat(plan.freeableRepositories())
        .as("the unreachable sled still counts towards the minimum")
        .isEmpty();
  }

  @Test
  void oneSledGetsEachLocalArtifactByOnePutAndTheRepositoryIsFreedOnTheNextView() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("x", "y"));
    FleetView fleet = fleet(List.of("x", "y"), List.of(repository), listed("a"));

    ReplicationPlan plan = ReplicationPlanner.plan(fleet, SEED);

    assertThat(plan.rounds()).hasSize(1);
    assertThat(plan.rounds().get(0))
        .containsExactlyInAnyOrder(PlannedRequest.put("x", "a"), PlannedRequest.put("y", "a"));
    assertThat(plan.freeableRepositories()).isEmpty();
    assertThat(ReplicationPlanner.plan(afterAllSucceed(fleet, plan), SEED).freeableRepositories())
        .containsExactly("repo-1");
  }

  @Test
  void theFirstViewReplicatesAndTheNextFrees() {
    LocalRepository repository = new LocalRepository("repo-1", List.of("x", "y"));
    FleetView fleet =
        fleet(
            List.of("x", "y"),
            List.of(repository),
            listed("a"),
            listed("b"),
            listed("c"),
            listed("d"));

    ReplicationPlan first = ReplicationPlanner.plan(fleet, SEED);
    ReplicationPlan second = ReplicationPlanner.plan(afterAllSucceed(fleet, first), SEED);

    assertThat(first.freeableRepositories()).isEmpty();
    assertThat(allRequests(first)).filteredOn(request -> request.kind() == Kind.PUT).hasSize(2);
    assertThat(second.nothingToSend()).isTrue();
    assertThat(second.freeableRepositories()).containsExactly("repo-1");
  }

  @Test
  void theSameSeedGivesTheSamePlanAndAnotherSeedSpreadsTheLoad() {
    List<SledReport> reports = IntStream.range(0, 10).mapToObj(i -> listed("sled-" + i)).toList();
    List<String> artifacts = IntStream.range(0, 10).mapToObj(i -> "artifact-" + i).toList();
    FleetView fleet = fleet(artifacts, List.of(new LocalRepository("repo-1", artifacts)), reports);

    assertThat(ReplicationPlanner.plan(fleet, SEED))
        .isEqualTo(ReplicationPlanner.plan(fleet, SEED));
    Set<String> putTargets = new TreeSet<>();
    for (long seed = 0; seed < 20; seed++) {
      allRequests(ReplicationPlanner.plan(fleet, seed)).stream()
          .filter(request -> request.kind() == Kind.PUT)
          .forEach(request -> putTargets.add(request.targetSledId()));
    }
    assertThat(putTargets)
        .as("puts land on many sleds, not always the first")
        .hasSizeGreaterThan(5);
  }

  /**
   * Over about 2,000 random fleets, applying a plan's rounds as if every request succeeds
   * replicates every artifact that is on a reachable sled or local onto every reachable sled,
   * within ceil(log2 N) + 1 rounds, and the plan keeps every rule on the way.
   */
  @Test
  void randomFleetsReachFullReplicationAndEveryPlanKeepsTheRules() {
    SplittableRandom generator = new SplittableRandom(20_241_121L);
    for (int sample = 0; sample < 2000; sample++) {
      RandomFleet random = RandomFleet.draw(generator);
      long seed = generator.nextLong();
      FleetView fleet = FleetView.of(random.desired, random.reports, random.minSledReplication);

      ReplicationPlan plan = ReplicationPlanner.plan(fleet, seed);

      String context = "sample " + sample + ": " + random;
      assertThat(ReplicationPlanner.plan(fleet, seed)).as(context).isEqualTo(plan);
      assertKeepsTheRules(fleet, plan, context);
      int reachable = fleet.reachableSleds().size();
      int bound = reachable == 0 ? 0 : ceilLog2(reachable) + 1;
      assertThat(plan.rounds().size()).as(context).isLessThanOrEqualTo(bound);
      Map<String, Set<String>> after = holdersAfter(fleet, plan);
      Set<String> local = fleet.localArtifacts();
      for (String artifact : fleet.artifacts()) {
        boolean available = !fleet.holders().get(artifact).isEmpty() || local.contains(artifact);
        assertThat(plan.lost().contains(artifact) || plan.unavailable().contains(artifact))
            .as(context + ": %s reported as lost or unavailable", artifact)
            .isEqualTo(!available);
        assertThat(plan.lost().contains(artifact))
            .as(context + ": %s lost only when every in-service sled answered", artifact)
            .isEqualTo(!available && fleet.unreachableSleds().isEmpty());
        if (available) {
          assertThat(after.get(artifact))
              .as(context + ": %s everywhere", artifact)
              .containsExactlyInAnyOrderElementsOf(fleet.reachableSleds());
        }
      }
      int needed = Math.max(1, Math.min(random.minSledReplication, fleet.inServiceSleds()));
      for (LocalRepository repository : fleet.localRepositories()) {
        boolean replicated =
            repository.artifacts().stream()
                .allMatch(artifact -> fleet.holders().get(artifact).size() >= needed);
        assertThat(plan.freeableRepositories().contains(repository.repositoryId()))
            .as(context)
            .isEqualTo(replicated);
      }
    }
  }

  /**
   * The workflow's loop: send the first round, learn which requests failed, plan again. Whatever
   * fails on the way, once requests succeed again the fleet converges, and no re-plan breaks a
   * rule.
   */
  @Test
  void replanningAfterRandomFailuresStillConverges() {
    SplittableRandom generator = new SplittableRandom(7);
    for (int sample = 0; sample < 500; sample++) {
      RandomFleet random = RandomFleet.draw(generator);
      FleetView fleet = FleetView.of(random.desired, random.reports, random.minSledReplication);
      String context = "sample " + sample + ": " + random;
      Set<PlannedRequest> failed = new HashSet<>();
      ReplicationPlan plan = ReplicationPlanner.plan(fleet, failed, generator.nextLong());
      int rounds = 0;
      while (!plan.nothingToSend()) {
        assertThat(rounds++).as(context).isLessThan(100);
        assertKeepsTheRules(fleet, plan, context);
        List<RequestOutcome> outcomes = new ArrayList<>();
        for (PlannedRequest request : plan.rounds().get(0)) {
          boolean fails = rounds < 10 && generator.nextInt(3) == 0;
          outcomes.add(fails ? failed(request) : succeeded(request));
          if (fails) {
            failed.add(request);
          }
        }
        fleet = fleet.afterOutcomes(outcomes);
        plan = ReplicationPlanner.plan(fleet, failed, generator.nextLong());
      }
      for (String artifact : fleet.artifacts()) {
        if (!plan.lost().contains(artifact) && !plan.unavailable().contains(artifact)) {
          assertThat(fleet.holders().get(artifact))
              .as(context)
              .containsExactlyInAnyOrderElementsOf(fleet.reachableSleds());
        }
      }
    }
  }

  /**
   * Every request is between reachable in-service sleds; a put only of a local artifact no
   * reachable sled holds, at most once per artifact and in the first round; a copy only from a sled
   * that holds the artifact by then, to one that does not, each source serving at most one copy of
   * an artifact per round.
   */
  private static void assertKeepsTheRules(FleetView fleet, ReplicationPlan plan, String context) {
    Set<String> reachable = new HashSet<>(fleet.reachableSleds());
    Set<String> local = fleet.localArtifacts();
    Map<String, Set<String>> holders = copyOf(fleet.holders());
    Set<String> put = new HashSet<>();
    for (int round = 0; round < plan.rounds().size(); round++) {
      Set<String> sourcesThisRound = new HashSet<>();
      for (PlannedRequest request : plan.rounds().get(round)) {
        assertThat(reachable).as(context).contains(request.targetSledId());
        assertThat(holders.get(request.sha256()))
            .as(context)
            .doesNotContain(request.targetSledId());
        if (request.kind() == Kind.PUT) {
          assertThat(local).as(context).contains(request.sha256());
          assertThat(fleet.holders().get(request.sha256())).as(context).isEmpty();
          assertThat(put.add(request.sha256()))
              .as(context + ": one put of " + request.sha256())
              .isTrue();
          assertThat(round).as(context).isZero();
        } else {
          assertThat(reachable).as(context).contains(request.sourceSledId());
          assertThat(holders.get(request.sha256())).as(context).contains(request.sourceSledId());
          assertThat(sourcesThisRound.add(request.sha256() + "@" + request.sourceSledId()))
              .as(context)
              .isTrue();
        }
      }
      plan.rounds()
          .get(round)
          .forEach(request -> holders.get(request.sha256()).add(request.targetSledId()));
    }
  }

  private static Map<String, Set<String>> holdersAfter(FleetView fleet, ReplicationPlan plan) {
    return afterAllSucceed(fleet, plan).holders();
  }

  private static FleetView afterAllSucceed(FleetView fleet, ReplicationPlan plan) {
    for (List<PlannedRequest> round : plan.rounds()) {
      fleet = fleet.afterOutcomes(round.stream().map(ReplicationPlannerTest::succeeded).toList());
    }
    return fleet;
  }

  private static Map<String, Set<String>> copyOf(Map<String, Set<String>> holders) {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    holders.forEach((artifact, sleds) -> copy.put(artifact, new HashSet<>(sleds)));
    return copy;
  }

  private static List<PlannedRequest> allRequests(ReplicationPlan plan) {
    return plan.rounds().stream().flatMap(List::stream).toList();
  }

  private static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  private static FleetView fleet(
      List<String> artifacts, List<LocalRepository> local, SledReport... reports) {
    return fleet(artifacts, local, List.of(reports));
  }

  private static FleetView fleet(
      List<String> artifacts, List<LocalRepository> local, List<SledReport> reports) {
    List<String> sleds = reports.stream().map(SledReport::sledId).toList();
    return FleetView.of(new DesiredArtifacts(GENERATION, artifacts, sleds, local), reports, 3);
  }

  static SledReport listed(String sled, String... artifacts) {
    Map<String, Integer> copies =
        Arrays.stream(artifacts).collect(Collectors.toMap(a -> a, a -> 2));
    return new SledReport(sled, SledReport.State.LISTED, GENERATION, copies, null);
  }

  private static SledReport unreachable(String sled) {
    return new SledReport(
        sled, SledReport.State.UNREACHABLE, GENERATION, Map.of(), "connection refused");
  }

  private static RequestOutcome succeeded(PlannedRequest request) {
    return outcome(request, true);
  }

  private static RequestOutcome failed(PlannedRequest request) {
    return outcome(request, false);
  }

  private static RequestOutcome outcome(PlannedRequest request, boolean ok) {
    return new RequestOutcome(
        request.kind().wireName(),
        request.targetSledId(),
        request.sourceSledId(),
        request.sha256(),
        GENERATION,
        ok,
        ok ? null : "sled answered 503",
        request.kind() == Kind.PUT && ok ? 1024 : 0);
  }

  /**
   * A random fleet: up to 12 sleds, some unreachable or silent, some retired, random holdings and
   * depot.
   */
  private record RandomFleet(
      DesiredArtifacts desired, List<SledReport> reports, int minSledReplication) {
    static RandomFleet draw(SplittableRandom generator) {
      List<String> artifacts =
          IntStream.range(0, generator.nextInt(9)).mapToObj(i -> "artifact-" + i).toList();
      List<String> sleds =
          IntStream.range(0, generator.nextInt(13)).mapToObj(i -> "sled-" + i).toList();
      List<SledReport> reports = new ArrayList<>();
      for (String sled : sleds) {
        int state = generator.nextInt(10);
        if (state == 0) {
          reports.add(unreachable(sled));
        } else if (state > 1) {
          String[] held =
              artifacts.stream().filter(a -> generator.nextInt(10) < 3).toArray(String[]::new);
          reports.add(listed(sled, held));
        }
      }
      if (generator.nextBoolean()) {
        reports.add(listed("sled-retired", artifacts.toArray(String[]::new)));
      }
      List<LocalRepository> local = new ArrayList<>();
      List<String> pending = new ArrayList<>();
      for (String artifact : artifacts) {
        if (generator.nextBoolean()) {
          pending.add(artifact);
        }
        if (!pending.isEmpty() && generator.nextInt(3) == 0) {
          local.add(new LocalRepository("repo-" + local.size(), List.copyOf(pending)));
          pending.clear();
        }
      }
      if (!pending.isEmpty()) {
        local.add(new LocalRepository("repo-" + local.size(), List.copyOf(pending)));
      }
      return new RandomFleet(
          new DesiredArtifacts(GENERATION, artifacts, sleds, local),
          reports,
          1 + generator.nextInt(4));
    }
  }
}

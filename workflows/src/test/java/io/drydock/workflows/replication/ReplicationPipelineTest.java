package io.drydock.workflows.replication;

import static io.drydock.workflows.replication.ReplicationPlannerTest.listed;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.workflows.replication.PlannedRequest.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplicationPipelineTest {
  private static final long SEED = 42;

  /**
   * Of the last {@link #runToTheEnd}: its pipeline's longest chain, and how many requests it handed
   * out.
   */
  private int lastChain;

  private int attempts;

  @Test
  void aSledThatJustReceivedAnArtifactServesItWhileAnUnrelatedCopyIsStillRunning() {
    ReplicationPipeline pipeline =
        new ReplicationPipeline(
            fleet(List.of("x", "y"), List.of("x"), sleds(4, "y", "sled-0")), SEED);

    PlannedRequest put = pipeline.next().orElseThrow();
    assertThat(put.kind()).isEqualTo(Kind.PUT);
    assertThat(put.sha256()).isEqualTo("x");
    List<PlannedRequest> running = drain(pipeline);
    assertThat(running).allMatch(request -> request.sha256().equals("y"));
    assertThat(running).isNotEmpty();

    pipeline.finished(put, true);
    PlannedRequest next = pipeline.next().orElseThrow();

    assertThat(next.kind()).isEqualTo(Kind.COPY);
    assertThat(next.sha256()).isEqualTo("x");
    assertThat(next.sourceSledId()).isEqualTo(put.targetSledId());
  }

  @Test
  void aHolderServesOneCopyOfAnArtifactAtATime() {
    ReplicationPipeline pipeline =
        new ReplicationPipeline(fleet(List.of("x"), List.of(), sleds(8, "x", "sled-0")), SEED);

    List<PlannedRequest> running = drain(pipeline);

    assertThat(running)
        .singleElement()
        .extracting(PlannedRequest::sourceSledId)
        .isEqualTo("sled-0");
    pipeline.finished(running.get(0), true);
    assertThat(drain(pipeline))
        .extracting(PlannedRequest::sourceSledId)
        .containsExactlyInAnyOrder("sled-0", running.get(0).targetSledId());
  }

  @Test
  void theDepotSendsEachArtifactOnceAndNoChainIsLongerThanDoublingsDepth() {
    for (int sleds : new int[] {1, 2, 3, 4, 7, 8, 16, 33}) {
      List<String> artifacts = IntStream.range(0, 5).mapToObj(i -> "a" + i).toList();
      FleetView fleet = fleet(artifacts, artifacts, sleds(sleds));
      Map<String, Integer> puts = new HashMap<>();
      Map<String, Set<String>> holders =
          runToTheEnd(fleet, new SplittableRandom(sleds), request -> true, puts);

      int ceilLog2 = 32 - Integer.numberOfLeadingZeros(sleds - 1);
      assertThat(puts)
          .as("%d sleds", sleds)
          .hasSize(5)
          .allSatisfy((artifact, count) -> assertThat(count).isOne());
      assertThat(holders).allSatisfy((artifact, holding) -> assertThat(holding).hasSize(sleds));
      assertThat(lastChain).as("%d sleds", sleds).isLessThanOrEqualTo(ceilLog2 + 1);
    }
  }

  @Test
  void aSledListingAnArtifactOnOneDiskIsSentItAgainFromAnotherHolder() {
    List<SledReport> reports =
        List.of(
            listed("sled-0", "x"),
            new SledReport(
                "sled-1",
                SledReport.State.LISTED,
                ReplicationPlannerTest.GENERATION,
                Map.of("x", 1),
                null),
            listed("sled-2", "x"));
    FleetView fleet = fleet(List.of("x"), List.of(), reports);

    List<PlannedRequest> recopying = drain(new ReplicationPipeline(fleet, SEED, true));
    List<PlannedRequest> before = drain(new ReplicationPipeline(fleet, SEED, false));

    assertThat(recopying)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.kind()).isEqualTo(Kind.COPY);
              assertThat(request.targetSledId()).isEqualTo("sled-1");
              assertThat(request.sourceSledId()).isIn("sled-0", "sled-2");
            });
    assertThat(before).as("runs that started before recopying").isEmpty();
  }

  @Test
  void aFailedCopyIsRetriedFromAnotherHolderAndARequestThatKeepsFailingIsGivenUp() {
    FleetView fleet = fleet(List.of("x"), List.of(), sleds(6, "x", "sled-0", "sled-1"));
    Set<String> triedSources = new HashSet<>();
    Map<String, Set<String>> holders =
        runToTheEnd(
            fleet,
            new SplittableRandom(1),
            request -> {
              if (request.targetSledId().equals("sled-5")) {
                triedSources.add(request.sourceSledId());
                return false;
              }
              return true;
            },
            new HashMap<>());

    assertThat(holders.get("x"))
        .containsExactlyInAnyOrder("sled-0", "sled-1", "sled-2", "sled-3", "sled-4");
    assertThat(triedSources).as("another holder after the first failure").hasSizeGreaterThan(1);
    assertThat(attempts).isEqualTo(5 - 2 + ReplicationPipeline.ATTEMPTS);
  }

  /**
   * Runs the pipeline with at most three requests in flight, finishing a random one of them each
   * step, until it hands out nothing more; returns who holds what.
   */
  private Map<String, Set<String>> runToTheEnd(
      FleetView fleet,
      SplittableRandom random,
      Predicate<PlannedRequest> succeeds,
      Map<String, Integer> puts) {
    ReplicationPipeline pipeline = new ReplicationPipeline(fleet, SEED);
    Map<String, Set<String>> holders = new HashMap<>();
    fleet.holders().forEach((artifact, holding) -> holders.put(artifact, new HashSet<>(holding)));
    List<PlannedRequest> running = new ArrayList<>();
    attempts = 0;
    while (true) {
      Optional<PlannedRequest> next = running.size() < 3 ? pipeline.next() : Optional.empty();
      if (next.isPresent()) {
        PlannedRequest request = next.get();
        attempts++;
        if (request.kind() == Kind.COPY) {
          assertThat(holders.get(request.sha256())).contains(request.sourceSledId());
          assertThat(running)
              .as("a holder serves one copy of an artifact at a time")
              .noneMatch(
                  other ->
                      other.sha256().equals(request.sha256())
                          && request.sourceSledId().equals(other.sourceSledId()));
        }
        running.add(request);
        continue;
      }
      if (running.isEmpty()) {
        break;
      }
      PlannedRequest done = running.remove(random.nextInt(running.size()));
      boolean ok = succeeds.test(done);
      if (ok) {
        holders.get(done.sha256()).add(done.targetSledId());
        if (done.kind() == Kind.PUT) {
          puts.merge(done.sha256(), 1, Integer::sum);
        }
      }
      pipeline.finished(done, ok);
    }
    lastChain = pipeline.longestChain();
    return holders;
  }

  private static List<PlannedRequest> drain(ReplicationPipeline pipeline) {
    List<PlannedRequest> started = new ArrayList<>();
    for (Optional<PlannedRequest> next = pipeline.next();
        next.isPresent();
        next = pipeline.next()) {
      started.add(next.get());
    }
    return started;
  }

  /**
   * Sleds sled-0 .. sled-(n-1); the artifact, if given, is held by the sleds named after it (all
   * when none is).
   */
  private static List<SledReport> sleds(int n, String... artifactAndHolders) {
    List<SledReport> reports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String sled = "sled-" + i;
      boolean holds =
          artifactAndHolders.length == 1
              || List.of(artifactAndHolders)
                  .subList(Math.min(1, artifactAndHolders.length), artifactAndHolders.length)
                  .contains(sled);
      reports.add(
          artifactAndHolders.length > 0 && holds
              ? listed(sled, artifactAndHolders[0])
              : listed(sled));
    }
    return reports;
  }

  private static FleetView fleet(
      List<String> artifacts, List<String> local, List<SledReport> reports) {
    List<String> sleds = reports.stream().map(SledReport::sledId).toList();
    List<LocalRepository> repositories =
        local.isEmpty() ? List.of() : List.of(new LocalRepository("repo-1", local));
    return FleetView.of(new DesiredArtifacts(7, artifacts, sleds, repositories), reports, 3);
  }
}

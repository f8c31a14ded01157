package io.drydock.workflows.replication;

import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * How an activation sends its requests: pipelined, or round by round as runs started before the
 * pipeline do. Both draw their seeds from the workflow's generator in the order they always did, so
 * that replay repeats them.
 */
final class ActivationRequests {
  /** Rounds an activation may send beyond its first plan, to retry what failed. */
  static final int RETRY_ROUNDS = 3;

  private ActivationRequests() {}

  /**
   * Starts a request whenever a slot is free and the pipeline has one, and tells the pipeline each
   * outcome as it arrives, until nothing is in flight and nothing may start. {@code rounds} is then
   * the longest chain of requests.
   */
  static FleetView pipelined(
      FleetView fleet,
      ActivationProgress activation,
      SledRequests requests,
      long generation,
      Random random) {
    boolean recopyIncomplete =
        Workflow.getVersion(
                ReplicationWorkflowImpl.RECOPY_CHANGE,
                Workflow.DEFAULT_VERSION,
                ReplicationWorkflowImpl.RECOPY)
            == ReplicationWorkflowImpl.RECOPY;
    ReplicationPipeline pipeline =
        new ReplicationPipeline(fleet, random.nextLong(), recopyIncomplete);
    Deque<Map.Entry<PlannedRequest, RequestOutcome>> arrived = new ArrayDeque<>();
    List<RequestOutcome> outcomes = new ArrayList<>();
    int inFlight = 0;
    while (true) {
      Optional<PlannedRequest> next =
          inFlight < requests.limit() ? pipeline.next() : Optional.empty();
      if (next.isPresent()) {
        PlannedRequest request = next.get();
        inFlight++;
        requests
            .send(request, generation)
            .thenApply(outcome -> arrived.add(Map.entry(request, outcome)));
        continue;
      }
      if (inFlight == 0) {
        break;
      }
      Workflow.await(() -> !arrived.isEmpty());
      while (!arrived.isEmpty()) {
        Map.Entry<PlannedRequest, RequestOutcome> done = arrived.poll();
        inFlight--;
        activation.count(done.getKey(), done.getValue());
        pipeline.finished(done.getKey(), done.getValue().ok());
        outcomes.add(done.getValue());
      }
    }
    activation.rounds = pipeline.longestChain();
    return fleet.afterOutcomes(outcomes);
  }

  /**
   * Round by round, planning again after each round from what actually succeeded: before {@link
   * ReplicationWorkflowImpl#PIPELINED}.
   */
  static FleetView inRounds(
      FleetView fleet,
      ActivationProgress activation,
      SledRequests requests,
      long generation,
      Random random) {
    ReplicationPlan plan = ReplicationPlanner.plan(fleet, random.nextLong());
    Set<PlannedRequest> failed = new HashSet<>();
    int maxRounds = plan.rounds().size() + RETRY_ROUNDS;
    while (!plan.nothingToSend() && activation.rounds < maxRounds) {
      List<PlannedRequest> round = plan.rounds().get(0);
      List<RequestOutcome> outcomes = requests.sendRound(round, generation);
      activation.rounds++;
      // Outcomes come back in the order of the requests; what failed is known by the request the
      // workflow sent.
      for (int i = 0; i < round.size(); i++) {
        activation.count(round.get(i), outcomes.get(i));
        if (!outcomes.get(i).ok()) {
          failed.add(round.get(i));
        }
      }
      fleet = fleet.afterOutcomes(outcomes);
      plan = ReplicationPlanner.plan(fleet, failed, random.nextLong());
      if (outcomes.stream().noneMatch(RequestOutcome::ok)) {
        break;
      }
    }
    return fleet;
  }
}

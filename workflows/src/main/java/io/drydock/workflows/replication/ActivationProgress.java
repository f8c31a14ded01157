package io.drydock.workflows.replication;

import java.util.ArrayList;
import java.util.List;

/** What one activation did so far, summed up as its {@link ActivationSummary} once it is over. */
final class ActivationProgress {
  final long startedAtMillis;
  String outcome;
  int rounds;
  ReplicationCounters counters = ReplicationCounters.zero();
  List<String> unreachableSleds = List.of();
  final List<String> freedRepositories = new ArrayList<>();

  ActivationProgress(long startedAtMillis) {
    this.startedAtMillis = startedAtMillis;
  }

  /**
   * A sync is a config put, then a list. The report does not say which step an unreachable sled
   * failed at, so the failure counts against the config put, the first step; a stale report is the
   * sled refusing our config.
   */
  void count(SledReport report) {
    boolean listed = report.state() == SledReport.State.LISTED;
    counters =
        counters.plus(new ReplicationCounters(1, listed ? 0 : 1, listed ? 1 : 0, 0, 0, 0, 0, 0, 0));
  }

  void count(PlannedRequest request, RequestOutcome outcome) {
    boolean put = request.kind() == PlannedRequest.Kind.PUT;
    int failure = outcome.ok() ? 0 : 1;
    counters =
        counters.plus(
            new ReplicationCounters(
                0,
                0,
                0,
                0,
                put ? 1 : 0,
                put ? failure : 0,
                put ? 0 : 1,
                put ? 0 : failure,
                outcome.bytesSentByDepot()));
  }

  ActivationSummary summary(long finishedAtMillis, long generation) {
    return new ActivationSummary(
        startedAtMillis,
        finishedAtMillis,
        generation,
        outcome,
        rounds,
        counters,
        unreachableSleds,
        freedRepositories);
  }
}

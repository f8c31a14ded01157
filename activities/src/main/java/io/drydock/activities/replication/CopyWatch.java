package io.drydock.activities.replication;

import java.time.Duration;

/**
 * Watches a copy the target sled accepted until it lands or fails. omicron's sled agent reports no
 * failed background copy: there only the target's listing ({@code GET /artifacts}) tells, and a
 * copy that never lands fails at the time limit. Drydock's reference sled agent also answers {@code
 * GET /artifacts/{sha256}/copy-status}, so a failed copy there is known within a second, and a copy
 * the sled forgot (it restarted) as soon as it answers {@code 404 COPY_UNKNOWN}.
 */
final class CopyWatch {
  /** The reference agent's refusal of a status for a copy it does not know. */
  static final String COPY_UNKNOWN = "COPY_UNKNOWN";

  /**
   * How often a copy that has not landed asks its status: most copies land sooner and ask none, so
   * a watch costs what the listing alone cost, while a failed copy is known within about this.
   */
  static final Duration STATUS_EVERY = Duration.ofSeconds(1);

  private final SledClient sleds;
  private final Duration copyTimeout;

  CopyWatch(SledClient sleds, Duration copyTimeout) {
    this.sleds = sleds;
    this.copyTimeout = copyTimeout;
  }

  /**
   * Polls the target until it lists the artifact (every fifth of the copy's time so far, {@link
   * CopyPolls}), asking its copy status once every {@link #STATUS_EVERY} the copy has not landed;
   * null once listed, else why it was not seen.
   *
   * @param heartbeat called before every poll; throws to abandon the watch (a canceled activity)
   */
  String awaitLanded(String sledId, long generation, String sha256, Runnable heartbeat) {
    long accepted = System.nanoTime();
    long deadline = accepted + copyTimeout.toNanos();
    long nextStatus = accepted + STATUS_EVERY.toNanos();
    boolean askStatus = true;
    String lastProblem = "the target did not list it";
    while (System.nanoTime() < deadline) {
      heartbeat.run();
      Listed listed = listed(sledId, generation, sha256);
      if (listed.settled()) {
        return listed.outcome();
      }
      lastProblem = listed.problem() == null ? lastProblem : listed.problem();
      if (askStatus && System.nanoTime() >= nextStatus) {
        nextStatus = System.nanoTime() + STATUS_EVERY.toNanos();
        SledClient.Answer<SledClient.CopyStatus> status = sleds.copyStatus(sledId, sha256);
        if (status.succeeded() && status.value().failed()) {
          return "the target reports the copy failed: " + status.value().error();
        } else if (COPY_UNKNOWN.equals(status.errorCode())) {
          // It accepted the copy and, just before, did not list it: it lost the copy, restarting.
          return "the target no longer knows the copy and does not list it ("
              + status.error()
              + ")";
        } else if (!status.succeeded() && status.status() / 100 == 4) {
          // No such endpoint (omicron's sled agent): the listing alone tells.
          askStatus = false;
        }
      }
      try {
        Thread.sleep(CopyPolls.nextWaitMillis((System.nanoTime() - accepted) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for the copy";
      }
    }
    return "not listed within " + copyTimeout.toSeconds() + " s (" + lastProblem + ")";
  }

  /**
   * One listing of the target: settled when it lists the artifact (outcome null) or moved to
   * another generation (the outcome says so); else not yet, with the listing's own failure if it
   * had one.
   */
  private record Listed(boolean settled, String outcome, String problem) {}

  private Listed listed(String sledId, long generation, String sha256) {
    SledClient.Answer<SledClient.Listing> listed = sleds.listArtifacts(sledId);
    if (!listed.succeeded()) {
      return new Listed(false, null, "listing failed: " + listed.error());
    }
    if (listed.value().generation() != generation) {
      return new Listed(
          true,
          "the sled moved to generation " + listed.value().generation() + " during the copy",
          null);
    }
    return new Listed(listed.value().copies().getOrDefault(sha256, 0) > 0, null, null);
  }
}

package io.drydock.activities.replication;

import java.time.Duration;

/**
 * Watches a copy the target sled accepted until it lands or fails. omicron's sled agent reports no
 * failed background copy: there only the target's listing ({@code GET /artifacts}) tells, and a
 * copy that never lands fails at the time limit. Drydock's reference sled agent also answers {@code
 * GET /artifacts/{sha256}/copy-status}, so a failed copy there is known at the next poll, and a
 * copy the sled forgot (it restarted) as soon as it answers {@code 404 COPY_UNKNOWN}.
 */
final class CopyWatch {
  /** The reference agent's refusal of a status for a copy it does not know. */
  static final String COPY_UNKNOWN = "COPY_UNKNOWN";

  private final SledClient sleds;
  private final Duration copyTimeout;

  CopyWatch(SledClient sleds, Duration copyTimeout) {
    this.sleds = sleds;
    this.copyTimeout = copyTimeout;
  }

  /**
   * Polls the target until it lists the artifact (every fifth of the copy's time so far, {@link
   * CopyPolls}); null then, else why it was not seen.
   *
   * @param heartbeat called before every poll; throws to abandon the watch (a canceled activity)
   */
  String awaitLanded(String sledId, long generation, String sha256, Runnable heartbeat) {
    long accepted = System.nanoTime();
    long deadline = accepted + copyTimeout.toNanos();
    boolean askStatus = true;
    String lastProblem = "the target did not list it";
    while (System.nanoTime() < deadline) {
      heartbeat.run();
      boolean list = true;
      if (askStatus) {
        SledClient.Answer<SledClient.CopyStatus> status = sleds.copyStatus(sledId, sha256);
        if (status.succeeded()) {
          if (status.value().failed()) {
            return "the target reports the copy failed: " + status.value().error();
          }
          // Until the target says the copy ended, its listing cannot hold the artifact.
          list = !status.value().copying();
        } else if (COPY_UNKNOWN.equals(status.errorCode())) {
          // It accepted the copy, so it lost it: it restarted since. It may have landed before.
          Listed last = listed(sledId, generation, sha256);
          return last.settled()
              ? last.outcome()
              : "the target no longer knows the copy and does not list it (" + status.error() + ")";
        } else if (status.status() / 100 == 4) {
          // No such endpoint (omicron's sled agent): the listing alone tells.
          askStatus = false;
        }
      }
      if (list) {
        Listed listed = listed(sledId, generation, sha256);
        if (listed.settled()) {
          return listed.outcome();
        }
        lastProblem = listed.problem() == null ? lastProblem : listed.problem();
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

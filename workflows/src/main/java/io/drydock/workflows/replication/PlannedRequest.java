package io.drydock.workflows.replication;

import java.util.Locale;

/**
 * One request the planner wants sent: the depot puts an artifact on a sled, or a sled copies it
 * from another sled.
 *
 * @param sourceSledId the sled the target copies from; null for a put
 */
record PlannedRequest(Kind kind, String sha256, String targetSledId, String sourceSledId) {
  enum Kind {
    PUT,
    COPY;

    /** The name {@link RequestOutcome#kind} uses. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static PlannedRequest put(String sha256, String targetSledId) {
    return new PlannedRequest(Kind.PUT, sha256, targetSledId, null);
  }

  static PlannedRequest copy(String sha256, String targetSledId, String sourceSledId) {
    return new PlannedRequest(Kind.COPY, sha256, targetSledId, sourceSledId);
  }
}

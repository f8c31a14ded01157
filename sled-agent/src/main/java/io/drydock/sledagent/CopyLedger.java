package io.drydock.sledagent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest copy from a depot of each artifact, as {@code GET /artifacts/{sha256}/copy-status}
 * reports it: omicron's sled agent only logs a background copy that failed, so its control plane
 * sees such a copy as one that never lands. In memory: a restarted agent knows no copy, and none of
 * its copies goes on either.
 */
final class CopyLedger {
  /** Artifacts remembered; the ones whose copy was started longest ago are forgotten first. */
  static final int MAX_ENTRIES = 4096;

  /** What the endpoint answers: a copy's state, its depot, and for a failed one why. */
  record CopyStatus(String state, String depotBaseUrl, String error) {
    static final String COPYING = "copying";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
  }

  /** The copy a status belongs to, so that only the latest copy of an artifact reports. */
  private record Entry(long copy, CopyStatus status) {}

  private final Map<String, Entry> latest =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  private long copies;

  /**
   * A copy of the artifact began: it replaces whatever an earlier copy of it left.
   *
   * @return the copy, to name in {@link #succeeded} or {@link #failed}
   */
  synchronized long started(String sha256, String depotBaseUrl) {
    latest.remove(sha256);
    latest.put(sha256, new Entry(++copies, new CopyStatus(CopyStatus.COPYING, depotBaseUrl, null)));
    return copies;
  }

  synchronized void succeeded(String sha256, long copy) {
    finished(sha256, copy, CopyStatus.SUCCEEDED, null);
  }

  synchronized void failed(String sha256, long copy, String error) {
    finished(sha256, copy, CopyStatus.FAILED, error);
  }

  synchronized Optional<CopyStatus> status(String sha256) {
    return Optional.ofNullable(latest.get(sha256)).map(Entry::status);
  }

  /** Records the end of the copy, unless a later copy of the artifact began meanwhile. */
  private void finished(String sha256, long copy, String state, String error) {
    Entry current = latest.get(sha256);
    if (current != null && current.copy() == copy) {
      latest.put(
          sha256, new Entry(copy, new CopyStatus(state, current.status().depotBaseUrl(), error)));
    }
  }
}

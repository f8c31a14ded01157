package io.drydock.workflows.scan;

/**
 * @param state {@code running}, {@code paused}, {@code canceling}, {@code canceled} or {@code finished}
 * @param total manifests the bulk rescan covers, counted when it started
 * @param done rescans that ended {@code IndexFinished} (or were superseded by a newer run of the manifest)
 * @param failed rescans that ended {@code IndexError}
 */
public record BulkRescanProgress(String state, long total, long done, long failed) {
  static BulkRescanProgress starting(long total) {
    return new BulkRescanProgress("running", total, 0, 0);
  }

  BulkRescanProgress withState(String newState) {
    return new BulkRescanProgress(newState, total, done, failed);
  }

  BulkRescanProgress plus(RescanResult result) {
    boolean failedNow = IndexerStates.INDEX_ERROR.equals(result.state());
    return new BulkRescanProgress(state, total, done + (failedNow ? 0 : 1), failed + (failedNow ? 1 : 0));
  }

  BulkRescanProgress plusFailed() {
    return new BulkRescanProgress(state, total, done, failed + 1);
  }
}

package io.drydock.workflows.scan;

/**
 * @param state {@code running}, {@code paused}, {@code canceling}, {@code canceled} or {@code
 *     finished}
 * @param total manifests the bulk rescan covers, counted when it started
 * @param done rescans that ended {@code IndexFinished} (or were superseded by a newer run of the
 *     manifest)
 * @param failed rescans that ended {@code IndexError}
 * @param joined manifests another rescan was already indexing when this one reached them: that
 *     rescan indexes them, once, instead of two racing to supersede each other
 */
public record BulkRescanProgress(String state, long total, long done, long failed, long joined) {
  public BulkRescanProgress(String state, long total, long done, long failed) {
    this(state, total, done, failed, 0);
  }

  static BulkRescanProgress starting(long total) {
    return new BulkRescanProgress("running", total, 0, 0, 0);
  }

  BulkRescanProgress withState(String newState) {
    return new BulkRescanProgress(newState, total, done, failed, joined);
  }

  BulkRescanProgress plus(RescanResult result) {
    boolean failedNow = IndexerStates.INDEX_ERROR.equals(result.state());
    return new BulkRescanProgress(
        state, total, done + (failedNow ? 0 : 1), failed + (failedNow ? 1 : 0), joined);
  }

  BulkRescanProgress plusFailed() {
    return new BulkRescanProgress(state, total, done, failed + 1, joined);
  }

  BulkRescanProgress plusJoined() {
    return new BulkRescanProgress(state, total, done, failed, joined + 1);
  }
}

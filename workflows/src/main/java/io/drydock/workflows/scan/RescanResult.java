package io.drydock.workflows.scan;

/**
 * How a rescan ended.
 *
 * @param state {@link IndexerStates#INDEX_FINISHED} or {@link IndexerStates#INDEX_ERROR}
 * @param reused the stored report was finished and current, so nothing was indexed or written
 * @param superseded a newer run took the manifest over; this run wrote nothing after that
 * @param error what failed, for {@link IndexerStates#INDEX_ERROR}
 */
public record RescanResult(
    String manifestDigest, String state, boolean reused, boolean superseded, String error) {}

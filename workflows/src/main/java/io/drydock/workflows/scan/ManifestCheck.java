package io.drydock.workflows.scan;

import java.util.List;

/**
 * What the check found.
 *
 * @param reusable the stored report is {@code IndexFinished}, successful and made by the current
 *     scanner set
 * @param indexState the current scanner set's index state, which this run indexes with
 * @param layers the manifest's layer digests, bottom layer first
 */
public record ManifestCheck(boolean reusable, String indexState, List<String> layers) {}

package io.drydock.workflows.scan;

/**
 * @param repository only this repository's manifests, or null for every manifest
 * @param force index again even manifests whose report is finished and current (an operator's
 *     request); a scanner upgrade does not need it, since reports of the old scanner set are not
 *     current
 * @param concurrency rescans running at once
 * @param after continue after this digest (set at continue-as-new), null at the start
 * @param progress counts so far (set at continue-as-new), null at the start
 */
public record BulkRescanRequest(
    String repository, boolean force, int concurrency, String after, BulkRescanProgress progress) {
  public BulkRescanRequest {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
  }

  BulkRescanRequest continuingAfter(String digest, BulkRescanProgress soFar) {
    return new BulkRescanRequest(repository, force, concurrency, digest, soFar);
  }
}

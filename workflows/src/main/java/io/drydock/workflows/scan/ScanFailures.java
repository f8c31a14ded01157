package io.drydock.workflows.scan;

/**
 * Failure types the scan activities raise as non-retryable: retrying cannot change their outcome.
 */
public final class ScanFailures {
  /** A newer run owns the manifest's scan status; this run must write nothing more. */
  public static final String SUPERSEDED = "ScanSuperseded";

  /** The digest is not an image manifest the registry holds. */
  public static final String MANIFEST_UNKNOWN = "ManifestUnknown";

  /** A layer blob is missing, truncated or not a tar archive. */
  public static final String LAYER_UNREADABLE = "LayerUnreadable";

  private ScanFailures() {}
}

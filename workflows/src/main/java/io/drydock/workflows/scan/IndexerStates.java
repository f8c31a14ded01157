package io.drydock.workflows.scan;

/** The indexer's states, named as Clair names them, in the order a rescan passes through them. */
public final class IndexerStates {
  public static final String CHECK_MANIFEST = "CheckManifest";
  public static final String FETCH_LAYERS = "FetchLayers";
  public static final String SCAN_LAYERS = "ScanLayers";
  public static final String COALESCE = "Coalesce";
  public static final String INDEX_MANIFEST = "IndexManifest";
  public static final String INDEX_FINISHED = "IndexFinished";
  public static final String INDEX_ERROR = "IndexError";

  private IndexerStates() {}
}

package io.drydock.activities.scan.indexer;

/**
 * The states of Clair's indexer, in the order a manifest passes through them; {@link #INDEX_ERROR}
 * ends a failed run. Reports carry {@link #wireName()}, the exact string Clair clients compare
 * against.
 */
public enum IndexState {
  CHECK_MANIFEST("CheckManifest"),
  FETCH_LAYERS("FetchLayers"),
  SCAN_LAYERS("ScanLayers"),
  COALESCE("Coalesce"),
  INDEX_MANIFEST("IndexManifest"),
  INDEX_FINISHED("IndexFinished"),
  INDEX_ERROR("IndexError");

  private final String wireName;

  IndexState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * The state {@code wireName} names; an unknown or empty name is refused rather than mapped to a
   * default.
   */
  public static IndexState fromWireName(String wireName) {
    for (IndexState state : values()) {
      if (state.wireName.equals(wireName)) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown index state '" + wireName + "'");
  }
}

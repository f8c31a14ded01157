package io.drydock.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom search attributes Drydock's workflows set. Every Temporal server Drydock talks to must
 * have them registered (the dev server with {@code --search-attribute}, the compose stack with its
 * set-up step); this map is the single list they are registered from.
 */
public final class DrydockSearchAttributes {
  public static final SearchAttributeKey<String> REPOSITORY_PATH =
      SearchAttributeKey.forKeyword("RepositoryPath");
  public static final SearchAttributeKey<String> MIGRATION_STATUS =
      SearchAttributeKey.forKeyword("MigrationStatus");
  public static final SearchAttributeKey<String> IMPORT_TYPE =
      SearchAttributeKey.forKeyword("ImportType");

  /** The manifest a rescan indexes ({@code sha256:...}). */
  public static final SearchAttributeKey<String> MANIFEST_DIGEST =
      SearchAttributeKey.forKeyword("ManifestDigest");

  /**
   * A rescan's indexer state, as Clair names them ({@code CheckManifest} ... {@code IndexFinished},
   * {@code IndexError}).
   */
  public static final SearchAttributeKey<String> SCAN_STATE =
      SearchAttributeKey.forKeyword("ScanState");

  /** Progress of a bulk rescan. */
  public static final SearchAttributeKey<Long> RESCAN_TOTAL =
      SearchAttributeKey.forLong("RescanTotal");

  public static final SearchAttributeKey<Long> RESCAN_DONE =
      SearchAttributeKey.forLong("RescanDone");
  public static final SearchAttributeKey<Long> RESCAN_FAILED =
      SearchAttributeKey.forLong("RescanFailed");

  /**
   * The artifact-set generation the replication workflow last worked on. A keyword: the dev
   * server's SQLite visibility store has three integer columns, and the rescan progress takes them.
   */
  public static final SearchAttributeKey<String> ARTIFACT_GENERATION =
      SearchAttributeKey.forKeyword("ArtifactGeneration");

  /**
   * Artifacts referenced by a repository that are on no sled and no longer local (sha256 hex);
   * empty when none.
   */
  public static final SearchAttributeKey<List<String>> LOST_ARTIFACTS =
      SearchAttributeKey.forKeywordList("LostArtifacts");

  private DrydockSearchAttributes() {}

  /** Name and indexed type of every attribute, in registration order. */
  public static Map<String, IndexedValueType> all() {
    Map<String, IndexedValueType> all = new LinkedHashMap<>();
    for (SearchAttributeKey<?> key :
        new SearchAttributeKey<?>[] {
          REPOSITORY_PATH,
          MIGRATION_STATUS,
          IMPORT_TYPE,
          MANIFEST_DIGEST,
          SCAN_STATE,
          RESCAN_TOTAL,
          RESCAN_DONE,
          RESCAN_FAILED,
          ARTIFACT_GENERATION,
          LOST_ARTIFACTS
        }) {
      all.put(key.getName(), key.getValueType());
    }
    return all;
  }
}

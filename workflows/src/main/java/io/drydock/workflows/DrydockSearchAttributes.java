package io.drydock.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The custom search attributes Drydock's workflows set. Every Temporal server Drydock talks to must have them
 * registered (the dev server with {@code --search-attribute}, the compose stack with its set-up step); this map is the
 * single list they are registered from.
 */
public final class DrydockSearchAttributes {
  public static final SearchAttributeKey<String> REPOSITORY_PATH = SearchAttributeKey.forKeyword("RepositoryPath");
  public static final SearchAttributeKey<String> MIGRATION_STATUS = SearchAttributeKey.forKeyword("MigrationStatus");
  public static final SearchAttributeKey<String> IMPORT_TYPE = SearchAttributeKey.forKeyword("ImportType");

  private DrydockSearchAttributes() {}

  /** Name and indexed type of every attribute, in registration order. */
  public static Map<String, IndexedValueType> all() {
    Map<String, IndexedValueType> all = new LinkedHashMap<>();
    for (SearchAttributeKey<?> key : new SearchAttributeKey<?>[] {REPOSITORY_PATH, MIGRATION_STATUS, IMPORT_TYPE}) {
      all.put(key.getName(), key.getValueType());
    }
    return all;
  }
}

package io.drydock.activities.scan.indexer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable copies that keep their iteration order. {@link Map#copyOf} would not: its order changes
 * from one JVM run to the next, and the same image must always give byte-identical report JSON.
 */
final class OrderedMaps {
  private OrderedMaps() {}

  static <V> Map<String, V> copyOf(Map<String, V> map, String what) {
    Objects.requireNonNull(map, what);
    Map<String, V> copy = new LinkedHashMap<>();
    map.forEach(
        (key, value) ->
            copy.put(
                Objects.requireNonNull(key, () -> what + " has a null key"),
                Objects.requireNonNull(value, () -> what + " has a null value for " + key)));
    return Collections.unmodifiableMap(copy);
  }

  static <V> Map<String, List<V>> copyOfLists(Map<String, List<V>> map, String what) {
    Map<String, List<V>> copy = new LinkedHashMap<>(copyOf(map, what));
    copy.replaceAll((key, list) -> List.copyOf(list));
    return Collections.unmodifiableMap(copy);
  }
}

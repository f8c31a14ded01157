package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Coalescer} found in an image: the body of an {@link IndexReport}. Maps keep the
 * order they are given in (ids ascending when the coalescer builds them).
 *
 * @param packages binary packages by {@link Package#id()}
 * @param distributions by {@link Distribution#id()}; at most one, the image's final os-release
 * @param repository always empty: no repository scanner exists yet, but Clair clients expect the
 *     member
 * @param environments where each package was found, by the package's id
 */
@JsonPropertyOrder({"packages", "distributions", "repository", "environments"})
public record IndexContents(
    @JsonProperty("packages") Map<String, Package> packages,
    @JsonProperty("distributions") Map<String, Distribution> distributions,
    @JsonProperty("repository") Map<String, Object> repository,
    @JsonProperty("environments") Map<String, List<Environment>> environments) {
  public IndexContents {
    packages = OrderedMaps.copyOf(packages, "packages");
    distributions = OrderedMaps.copyOf(distributions, "distributions");
    repository = OrderedMaps.copyOf(repository, "repository");
    environments = OrderedMaps.copyOfLists(environments, "environments");
  }

  static IndexContents empty() {
    return new IndexContents(Map.of(), Map.of(), Map.of(), Map.of());
  }
}

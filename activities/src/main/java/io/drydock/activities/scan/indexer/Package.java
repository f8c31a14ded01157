package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A package of an {@link IndexReport}, in Clair's JSON shape. Binary packages may name the {@code source} package
 * they were built from (dpkg's {@code Source:}, apk's {@code o:} origin); a source package has no source of its own.
 *
 * @param id unique within its report
 * @param kind {@value #BINARY} or {@value #SOURCE}
 * @param arch the architecture the package database records, empty when it records none
 * @param packageDb the path, inside the image, of the package database that lists the package
 */
@JsonPropertyOrder({"id", "name", "version", "kind", "source", "arch", "package_db"})
public record Package(
    @JsonProperty("id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("kind") String kind,
    @JsonProperty("source") Package source,
    @JsonProperty("arch") String arch,
    @JsonProperty("package_db") String packageDb) {
  public static final String BINARY = "binary";
  public static final String SOURCE = "source";

  public Package {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(packageDb, "packageDb");
    if (!BINARY.equals(kind) && !SOURCE.equals(kind)) {
      throw new IllegalArgumentException("package kind must be binary or source, not '" + kind + "'");
    }
    if (source != null && (SOURCE.equals(kind) || !SOURCE.equals(source.kind()))) {
      throw new IllegalArgumentException("only a binary package has a source, and it must be a source package");
    }
  }
}

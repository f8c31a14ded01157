package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A package of an {@link IndexReport}, field for field claircore's {@code Package} JSON
 * (quay/claircore {@code package.go} at v1.5.52, the version quay/clair builds with): {@code
 * source} and {@code arch} are left out when empty ({@code omitempty}), the rest always written.
 * Every binary package names the {@code source} package it was built from, as claircore's dpkg and
 * apk scanners fill it, because Clair's matchers dereference it; a source package has none. Where a
 * package was found ({@code package_db}) is in its {@link Environment}, not here: claircore's
 * package has no such field, and a strict decoder refuses one.
 *
 * @param id unique within its report
 * @param kind {@value #BINARY} or {@value #SOURCE}
 * @param normalizedVersion always empty: neither claircore's dpkg nor its apk scanner normalizes
 *     versions
 * @param arch the architecture the package database records, empty when it records none
 * @param cpe always empty: the package databases name no CPE
 * @param detector the scanner that found a binary package, as claircore binds it ({@link
 *     ScannerSet.Scanner#urn()}); null for a source package, which claircore's store reads back
 *     without one
 */
@JsonPropertyOrder({
  "id",
  "name",
  "version",
  "kind",
  "source",
  "normalized_version",
  "arch",
  "cpe",
  "detector"
})
public record Package(
    @JsonProperty("id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("kind") String kind,
    @JsonProperty("source") @JsonInclude(JsonInclude.Include.NON_NULL) Package source,
    @JsonProperty("normalized_version") String normalizedVersion,
    @JsonProperty("arch") @JsonInclude(JsonInclude.Include.NON_EMPTY) String arch,
    @JsonProperty("cpe") String cpe,
    @JsonProperty("detector") String detector) {
  public static final String BINARY = "binary";
  public static final String SOURCE = "source";

  public Package {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(normalizedVersion, "normalizedVersion");
    arch = arch == null ? "" : arch;
    Objects.requireNonNull(cpe, "cpe");
    if (BINARY.equals(kind)) {
      if (source == null || !SOURCE.equals(source.kind()) || detector == null) {
        throw new IllegalArgumentException(
            "a binary package needs its source package and its detector");
      }
    } else if (SOURCE.equals(kind)) {
      if (source != null || detector != null) {
        throw new IllegalArgumentException("a source package has neither a source nor a detector");
      }
    } else {
      throw new IllegalArgumentException(
          "package kind must be binary or source, not '" + kind + "'");
    }
  }

  /** A binary package built from {@code source}, found by {@code detector}. */
  static Package binary(
      String id, String name, String version, Package source, String arch, String detector) {
    return new Package(id, name, version, BINARY, source, "", arch, "", detector);
  }

  /** A source package. */
  static Package source(String id, String name, String version) {
    return new Package(id, name, version, SOURCE, null, "", "", "", null);
  }
}

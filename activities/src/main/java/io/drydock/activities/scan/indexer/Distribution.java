package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The operating system of an image, from its os-release file (os-release(5)), in Clair's JSON
 * shape. Fields the file does not set are empty strings.
 *
 * @param id unique within its report
 * @param did os-release {@code ID}
 * @param name os-release {@code NAME}
 * @param version os-release {@code VERSION}
 * @param versionCodeName os-release {@code VERSION_CODENAME}
 * @param versionId os-release {@code VERSION_ID}
 * @param arch always empty: os-release does not say
 * @param cpe os-release {@code CPE_NAME}
 * @param prettyName os-release {@code PRETTY_NAME}
 */
@JsonPropertyOrder({
  "id",
  "did",
  "name",
  "version",
  "version_code_name",
  "version_id",
  "arch",
  "cpe",
  "pretty_name"
})
public record Distribution(
    @JsonProperty("id") String id,
    @JsonProperty("did") String did,
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("version_code_name") String versionCodeName,
    @JsonProperty("version_id") String versionId,
    @JsonProperty("arch") String arch,
    @JsonProperty("cpe") String cpe,
    @JsonProperty("pretty_name") String prettyName) {
  public Distribution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(did, "did");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(versionCodeName, "versionCodeName");
    Objects.requireNonNull(versionId, "versionId");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(cpe, "cpe");
    Objects.requireNonNull(prettyName, "prettyName");
  }
}

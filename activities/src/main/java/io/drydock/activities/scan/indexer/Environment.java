package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * Where a package of an {@link IndexReport} was found, in Clair's JSON shape.
 *
 * @param packageDb the path of the package database that lists the package
 * @param introducedIn the digest of the lowest layer from which the package has been listed without
 *     interruption
 * @param distributionId the id of the image's distribution in the same report, empty when the image
 *     has none
 * @param repositoryIds ids of the report's repositories; always empty, as no repository scanner
 *     exists yet
 */
@JsonPropertyOrder({"package_db", "introduced_in", "distribution_id", "repository_ids"})
public record Environment(
    @JsonProperty("package_db") String packageDb,
    @JsonProperty("introduced_in") String introducedIn,
    @JsonProperty("distribution_id") String distributionId,
    @JsonProperty("repository_ids") List<String> repositoryIds) {
  public Environment {
    Objects.requireNonNull(packageDb, "packageDb");
    Objects.requireNonNull(introducedIn, "introducedIn");
    Objects.requireNonNull(distributionId, "distributionId");
    repositoryIds = List.copyOf(repositoryIds);
  }
}

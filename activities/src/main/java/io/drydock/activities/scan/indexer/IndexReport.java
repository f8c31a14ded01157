package io.drydock.activities.scan.indexer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.drydock.activities.legacy.Digest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest's index in Clair's JSON shape ({@code GET /indexer/api/v1/index_report/{digest}}).
 *
 * <p>The constructor refuses reports that contradict themselves, so that neither code nor a stored
 * row can produce the empty report of Clair's bug (state {@code ""}, success false, no error text),
 * which clients took for "already scanned" forever: {@code success} holds exactly when the state is
 * {@code IndexFinished}, an {@code IndexError} report carries its error text, and every other
 * report has none. Reading such a row back through Jackson fails the same way, so a corrupt stored
 * report is noticed instead of served.
 *
 * @param manifestHash {@code sha256:<hex>} of the manifest
 * @param state an {@link IndexState#wireName()}
 * @param packages binary packages by id
 * @param distributions distributions by id
 * @param repository always empty for now
 * @param environments where each package was found, by package id
 * @param success whether indexing finished
 * @param err the error text of an {@code IndexError} report, otherwise empty
 */
@JsonPropertyOrder({
  "manifest_hash",
  "state",
  "packages",
  "distributions",
  "repository",
  "environments",
  "success",
  "err"
})
public record IndexReport(
    @JsonProperty("manifest_hash") String manifestHash,
    @JsonProperty("state") String state,
    @JsonProperty("packages") Map<String, Package> packages,
    @JsonProperty("distributions") Map<String, Distribution> distributions,
    @JsonProperty("repository") Map<String, Object> repository,
    @JsonProperty("environments") Map<String, List<Environment>> environments,
    @JsonProperty("success") boolean success,
    @JsonProperty("err") String err) {

  public IndexReport {
    Digest.parse(manifestHash);
    IndexState parsedState = IndexState.fromWireName(state);
    IndexContents contents = new IndexContents(packages, distributions, repository, environments);
    packages = contents.packages();
    distributions = contents.distributions();
    repository = contents.repository();
    environments = contents.environments();
    Objects.requireNonNull(err, "err");
    if (success != (parsedState == IndexState.INDEX_FINISHED)) {
      throw new IllegalArgumentException(
          "an index report succeeds exactly when its state is IndexFinished, but state "
              + state
              + " has success "
              + success);
    }
    if (parsedState == IndexState.INDEX_ERROR && err.isBlank()) {
      throw new IllegalArgumentException("an IndexError report must say what went wrong");
    }
    if (parsedState != IndexState.INDEX_ERROR && !err.isEmpty()) {
      throw new IllegalArgumentException(
          "only an IndexError report carries an error, but state " + state + " has '" + err + "'");
    }
  }

  /** The report of a manifest indexed to the end. */
  public static IndexReport finished(String manifestHash, IndexContents contents) {
    return new IndexReport(
        manifestHash,
        IndexState.INDEX_FINISHED.wireName(),
        contents.packages(),
        contents.distributions(),
        contents.repository(),
        contents.environments(),
        true,
        "");
  }

  /**
   * The report of a manifest whose indexing failed for the reason {@code err}, which must not be
   * blank.
   */
  public static IndexReport error(String manifestHash, String err) {
    IndexContents none = IndexContents.empty();
    return new IndexReport(
        manifestHash,
        IndexState.INDEX_ERROR.wireName(),
        none.packages(),
        none.distributions(),
        none.repository(),
        none.environments(),
        false,
        err);
  }
}

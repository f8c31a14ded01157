package io.drydock.api.replication;

import io.drydock.activities.replication.RecordedRequest;
import io.drydock.activities.replication.Sled;
import io.drydock.activities.replication.StoredRepository;
import io.drydock.api.Json;
import io.drydock.workflows.replication.ReplicationStatus;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON bodies of the replication API. The records of the database and of the workflow are
 * written as they are, with their names in snake_case as the rest of the API and the sled agents
 * name things.
 */
final class ReplicationBodies {
  /**
   * The API's mapper, naming in snake_case: Jackson 3 sets a naming strategy on a mapper, not on a
   * writer.
   */
  private static final JsonMapper SNAKE_CASE =
      Json.MAPPER.rebuild().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private ReplicationBodies() {}

  static JsonNode json(Object body) {
    return SNAKE_CASE.valueToTree(body);
  }

  /** A repository with its artifacts, and the artifact-set generation now. */
  static JsonNode repository(StoredRepository repository, long generation) {
    ObjectNode body = SNAKE_CASE.valueToTree(repository);
    return body.put("generation", generation);
  }

  record Repositories(long generation, List<StoredRepository> repositories) {}

  record Sleds(List<Sled> sleds) {}

  /**
   * @param workflow {@code running} (status is its {@code status} query), {@code not_started} (no
   *     upload, delete or activate has started it yet) or {@code unavailable} (Temporal did not
   *     answer; detail says why)
   * @param generation the artifact-set generation in the database
   * @param recentRequests newest first
   */
  record Replication(
      String workflow,
      String detail,
      long generation,
      ReplicationStatus status,
      List<RecordedRequest> recentRequests) {}

  /** A signal sent to the replication workflow. */
  record Signalled(String workflowId, String signal) {}

  /**
   * One sled's answers to {@code GET /artifacts} and {@code GET /artifacts-config}; the artifacts
   * of this page.
   */
  record SledInventory(
      String id, long generation, Long configGeneration, Map<String, Integer> artifacts) {}

  /** How many sleds list an artifact, and how many copies they hold together. */
  record Presence(int sleds, long copies) {}

  record InventoryError(String sled, String error) {}

  /**
   * @param nextAfter pass as {@code after} for the next page; null on the last page
   */
  record Inventory(
      long generation,
      List<SledInventory> sleds,
      Map<String, Presence> artifacts,
      List<InventoryError> errors,
      String nextAfter) {}
}

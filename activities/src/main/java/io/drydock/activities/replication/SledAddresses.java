package io.drydock.activities.replication;

import java.net.URI;
import java.util.Optional;

/**
 * Where {@link SledClient}'s requests go: URLs built only from what the {@link SledRegistry} holds
 * for an in-service sled at the time of the call, and for an artifact only from a well-formed
 * sha256, so that no address or path from a request body or a workflow's input is ever contacted.
 * When there is no such URL, it says why.
 */
final class SledAddresses {
  private final SledRegistry registry;

  SledAddresses(SledRegistry registry) {
    this.registry = registry;
  }

  /** The sled's base URL; empty for a sled not in service. */
  Optional<String> baseUrl(String sledId) {
    return registry.inServiceBaseUrl(sledId);
  }

  /**
   * The sled's registered depot URL (its base URL unless registered apart); empty for a sled not in
   * service.
   */
  Optional<String> depotUrl(String sledId) {
    return registry.inServiceDepotUrl(sledId);
  }

  /** The sled's base URL; empty for a sled not in service or a string that is not a sha256. */
  Optional<String> artifactBaseUrl(String sledId, String sha256) {
    if (sha256 == null || !LocalDepot.SHA256.matcher(sha256).matches()) {
      return Optional.empty();
    }
    return registry.inServiceBaseUrl(sledId);
  }

  static URI artifactUri(String baseUrl, String sha256, String suffix) {
    return URI.create(baseUrl + "/artifacts/" + sha256 + suffix);
  }

  /** Why {@link #artifactBaseUrl} is empty. */
  static String problem(String sledId, String sha256) {
    return sha256 == null || !LocalDepot.SHA256.matcher(sha256).matches()
        ? "'" + sha256 + "' is not a sha256 hex digest"
        : notInService(sledId);
  }

  static String notInService(String sledId) {
    return "sled '" + sledId + "' is not registered or not in service";
  }
}

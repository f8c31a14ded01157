package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may sign a TUF role and whether enough did: a root's keys (each under the id the
 * specification computes), its roles' key ids and thresholds, and the count of distinct keys of a
 * role whose signatures verify.
 */
final class TufSignatures {
  private TufSignatures() {}

  /** A role as a root defines it: the ids of the keys that may sign it and how many must. */
  record Role(String name, Set<String> keyIds, int threshold) {}

  /**
   * The role's keys by id; a key whose id is not the sha256 of its canonical form refuses the root.
   */
  static Map<String, TufKey> keys(TufMetadata root) {
    Map<String, TufKey> keys = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : root.signed().path("keys").properties()) {
      String computed = TufMetadata.sha256(TufMetadata.canonical(entry.getValue(), root.name()));
      if (!computed.equals(entry.getKey())) {
        throw new InvalidRepositoryException(
            Reason.METADATA_INVALID,
            root.name() + " lists a key under id " + entry.getKey() + ", but its id is " + computed,
            entry.getKey());
      }
      TufKey.parse(entry.getValue()).ifPresent(key -> keys.put(entry.getKey(), key));
    }
    return keys;
  }

  static Role role(TufMetadata root, String name) {
    JsonNode role = root.signed().path("roles").path(name);
    JsonNode threshold = role.path("threshold");
    if (!threshold.isIntegralNumber()
        || threshold.asLong() < 1
        || threshold.asLong() > Integer.MAX_VALUE) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID,
          root.name() + " gives the " + name + " role no threshold of 1 or more",
          name);
    }
    Set<String> keyIds = new HashSet<>();
    role.path("keyids").forEach(id -> keyIds.add(id.asText()));
    return new Role(name, keyIds, threshold.intValue());
  }

  /** Refuses the metadata unless a threshold of distinct keys of the role signed it. */
  static void checkSigned(
      TufMetadata metadata, Map<String, TufKey> keys, Role role, String roleName) {
    Signers signers = signers(metadata, keys, role);
    if (signers.valid().size() >= role.threshold()) {
      return;
    }
    if (signers.firstInvalid().isPresent()) {
      throw new InvalidRepositoryException(
          Reason.SIGNATURE_INVALID,
          "a signature by a "
              + roleName
              + " key does not verify: "
              + metadata.name()
              + " was changed after signing",
          metadata.name() + ", key " + signers.firstInvalid().get());
    }
    throw new InvalidRepositoryException(
        Reason.THRESHOLD_NOT_MET,
        metadata.name()
            + " is signed by "
            + signers.valid().size()
            + " of the "
            + role.threshold()
            + " "
            + roleName
            + " keys its threshold needs",
        metadata.name());
  }

  static boolean verifiedThreshold(TufMetadata metadata, Map<String, TufKey> keys, Role role) {
    return signers(metadata, keys, role).valid().size() >= role.threshold();
  }

  /**
   * The distinct keys of the role whose signatures verify, and the first key of the role whose
   * signature does not.
   */
  private record Signers(Set<String> valid, Optional<String> firstInvalid) {}

  /** Verifies each signature once: the crypto is the costly part of checking a threshold. */
  private static Signers signers(TufMetadata metadata, Map<String, TufKey> keys, Role role) {
    Set<String> valid = new HashSet<>();
    Optional<String> firstInvalid = Optional.empty();
    for (JsonNode signature : metadata.signatures()) {
      String keyId = signature.path("keyid").asText();
      TufKey key = keys.get(keyId);
      if (!role.keyIds().contains(keyId) || key == null) {
        continue;
      }
      if (key.verifies(metadata.canonicalSigned(), signature.path("sig").asText())) {
        valid.add(keyId);
      } else if (firstInvalid.isEmpty()) {
        firstInvalid = Optional.of(keyId);
      }
    }
    return new Signers(valid, firstInvalid);
  }
}

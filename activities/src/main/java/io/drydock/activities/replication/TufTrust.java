package io.drydock.activities.replication;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.drydock.activities.Json;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies an archive's TUF metadata as the TUF specification's client workflow does (section 5, "Detailed client
 * workflow"; python-tuf's ngclient is the reference): from a trusted root, the archive's root chain version by
 * version (each new root signed by a threshold of the previous root's root keys and of its own), then timestamp,
 * snapshot and targets, each signed by a threshold of distinct keys of its role in the final root, each version,
 * length and hash (sha256 and sha512; others are not checked) one role names for the next matching it, none expired
 * at the time of the upload. Signatures are over the canonical form of {@code signed} ({@link CanonicalJson}); key
 * ids must be the sha256 of the key's canonical form, as the specification computes them.
 */
final class TufTrust {
  private static final ObjectReader JSON =
      Json.MAPPER
          .reader()
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
  private static final Pattern VERSIONED_ROOT = Pattern.compile("([1-9][0-9]{0,18})\\.root\\.json");

  /** A root Drydock trusts, named by the sha256 of its signed part's canonical form. */
  record TrustedRoot(String id, Path source, JsonNode signed) {}

  /** What verification established: the trusted root it started from and the versions it accepted. */
  record Verified(String trustedRootId, long rootVersion, long snapshotVersion, long targetsVersion, byte[] targets) {}

  private final List<TrustedRoot> trustedRoots;
  private final Clock clock;

  TufTrust(List<TrustedRoot> trustedRoots, Clock clock) {
    this.trustedRoots = List.copyOf(trustedRoots);
    this.clock = clock;
  }

  boolean hasTrustedRoot() {
    return !trustedRoots.isEmpty();
  }

  /**
   * Reads the trusted roots: each a root.json that signs itself with a threshold of its root keys, as python-tuf
   * requires of its trusted root.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  static List<TrustedRoot> load(List<Path> files) {
    List<TrustedRoot> roots = new ArrayList<>();
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the trusted TUF root " + file, e);
      }
      try {
        Metadata root = Metadata.parse(file.getFileName().toString(), bytes, "root");
        Map<String, TufKey> keys = keys(root);
        checkSigned(root, keys, role(root, "root"), "root");
        roots.add(new TrustedRoot(root.canonicalHash(), file, root.signed()));
      } catch (InvalidRepositoryException e) {
        throw new IllegalArgumentException(
            "the trusted TUF root " + file + " is not a root.json that signs itself: " + e.getMessage()
                + (e.detail() == null ? "" : " (" + e.detail() + ")"),
            e);
      }
    }
    return roots;
  }

  /**
   * @param metadata the archive's metadata files by name ({@code 1.root.json}, {@code timestamp.json} ...)
   * @throws InvalidRepositoryException with the code of the check that failed
   */
  Verified verify(Map<String, byte[]> metadata) {
    InvalidRepositoryException untrusted = null;
    for (TrustedRoot trusted : trustedRoots) {
      try {
        return verifyFrom(trusted, metadata);
      } catch (InvalidRepositoryException e) {
        if (e.reason() != Reason.ROOT_UNTRUSTED) {
          throw e;
        }
        untrusted = e;
      }
    }
    throw untrusted;
  }

  private Verified verifyFrom(TrustedRoot trusted, Map<String, byte[]> files) {
    Instant now = clock.instant();
    Map<Long, Metadata> archiveRoots = archiveRoots(files);
    Metadata root = new Metadata("trusted root " + trusted.source().getFileName(), trusted.signed(), null, null);
    long trustedVersion = version(root);
    Metadata same = archiveRoots.get(trustedVersion);
    if (same != null && !same.canonicalHash().equals(trusted.id())) {
      throw new InvalidRepositoryException(
          Reason.ROOT_UNTRUSTED,
          "the archive's " + same.name() + " is not the trusted root of that version",
          trusted.source().toString());
    }
    for (long next = trustedVersion + 1; archiveRoots.containsKey(next); next++) {
      Metadata newer = archiveRoots.get(next);
      if (!verifiedThreshold(newer, keys(root), role(root, "root"))) {
        throw new InvalidRepositoryException(
            Reason.ROOT_UNTRUSTED,
            newer.name() + " is not signed by a threshold of the root keys of version " + version(root),
            newer.name());
      }
      checkSigned(newer, keys(newer), role(newer, "root"), "root");
      if (version(newer) != next) {
        throw mismatch(newer.name() + " holds version " + version(newer), newer.name());
      }
      root = newer;
    }
    long finalVersion = version(root);
    archiveRoots.keySet().stream()
        .filter(version -> version > finalVersion)
        .findFirst()
        .ifPresent(
            gap -> {
              throw mismatch("root version " + gap + " does not follow version " + finalVersion, gap + ".root.json");
            });
    checkNotExpired(root, now);
    Map<String, TufKey> keys = keys(root);
    boolean consistent = root.signed().path("consistent_snapshot").asBoolean(false);

    Metadata timestamp = Metadata.parse("timestamp.json", required(files, "timestamp.json"), "timestamp");
    checkSigned(timestamp, keys, role(root, "timestamp"), "timestamp");
    checkNotExpired(timestamp, now);
    JsonNode snapshotMeta = timestamp.signed().path("meta").path("snapshot.json");
    long snapshotVersion = metaVersion(snapshotMeta, "timestamp.json", "snapshot.json");

    String snapshotName = named(files, consistent, snapshotVersion, "snapshot", "timestamp.json");
    byte[] snapshotBytes = files.get(snapshotName);
    checkLengthAndHashes(snapshotMeta, snapshotBytes, "timestamp.json", snapshotName);
    Metadata snapshot = Metadata.parse(snapshotName, snapshotBytes, "snapshot");
    checkSigned(snapshot, keys, role(root, "snapshot"), "snapshot");
    if (version(snapshot) != snapshotVersion) {
      throw mismatch(
          "timestamp.json names snapshot version " + snapshotVersion + ", " + snapshotName + " is version "
              + version(snapshot),
          snapshotName);
    }
    checkNotExpired(snapshot, now);
    JsonNode snapshotEntries = snapshot.signed().path("meta");
    for (Iterator<String> names = snapshotEntries.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("targets.json")) {
        throw new InvalidRepositoryException(
            Reason.DELEGATIONS_UNSUPPORTED,
            "the snapshot lists delegated targets metadata; Drydock verifies top-level targets only",
            name);
      }
    }
    JsonNode targetsMeta = snapshotEntries.path("targets.json");
    long targetsVersion = metaVersion(targetsMeta, snapshotName, "targets.json");

    String targetsName = named(files, consistent, targetsVersion, "targets", snapshotName);
    byte[] targetsBytes = files.get(targetsName);
    checkLengthAndHashes(targetsMeta, targetsBytes, snapshotName, targetsName);
    Metadata targets = Metadata.parse(targetsName, targetsBytes, "targets");
    checkSigned(targets, keys, role(root, "targets"), "targets");
    if (version(targets) != targetsVersion) {
      throw mismatch(
          snapshotName + " names targets version " + targetsVersion + ", " + targetsName + " is version "
              + version(targets),
          targetsName);
    }
    checkNotExpired(targets, now);
    JsonNode delegations = targets.signed().path("delegations");
    if (delegations.path("roles").size() > 0 || delegations.has("succinct_roles")) {
      throw new InvalidRepositoryException(
          Reason.DELEGATIONS_UNSUPPORTED,
          "the targets metadata delegates to other roles; Drydock verifies top-level targets only",
          targetsName);
    }
    return new Verified(trusted.id(), finalVersion, snapshotVersion, targetsVersion, targetsBytes);
  }

  /** The archive's roots by version: {@code N.root.json}, or a {@code root.json} by the version it holds. */
  private static Map<Long, Metadata> archiveRoots(Map<String, byte[]> files) {
    Map<Long, Metadata> roots = new TreeMap<>();
    files.forEach(
        (name, bytes) -> {
          Matcher versioned = VERSIONED_ROOT.matcher(name);
          if (versioned.matches() || name.equals("root.json")) {
            Metadata root = Metadata.parse(name, bytes, "root");
            long version = versioned.matches() ? Long.parseLong(versioned.group(1)) : version(root);
            if (roots.put(version, root) != null) {
              throw new InvalidRepositoryException(
                  Reason.METADATA_INVALID, "the archive holds two roots of version " + version, name);
            }
          }
        });
    return roots;
  }

  /** The role's keys by id; a key whose id is not the sha256 of its canonical form refuses the root. */
  private static Map<String, TufKey> keys(Metadata root) {
    Map<String, TufKey> keys = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : root.signed().path("keys").properties()) {
      String computed = sha256(canonical(entry.getValue(), root.name()));
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

  private record Role(String name, Set<String> keyIds, int threshold) {}

  private static Role role(Metadata root, String name) {
    JsonNode role = root.signed().path("roles").path(name);
    JsonNode threshold = role.path("threshold");
    if (!threshold.isIntegralNumber() || threshold.asLong() < 1 || threshold.asLong() > Integer.MAX_VALUE) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, root.name() + " gives the " + name + " role no threshold of 1 or more", name);
    }
    Set<String> keyIds = new HashSet<>();
    role.path("keyids").forEach(id -> keyIds.add(id.asText()));
    return new Role(name, keyIds, threshold.intValue());
  }

  /** Refuses the metadata unless a threshold of distinct keys of the role signed it. */
  private static void checkSigned(Metadata metadata, Map<String, TufKey> keys, Role role, String roleName) {
    Signers signers = signers(metadata, keys, role);
    if (signers.valid().size() >= role.threshold()) {
      return;
    }
    if (signers.firstInvalid().isPresent()) {
      throw new InvalidRepositoryException(
          Reason.SIGNATURE_INVALID,
          "a signature by a " + roleName + " key does not verify: " + metadata.name() + " was changed after signing",
          metadata.name() + ", key " + signers.firstInvalid().get());
    }
    throw new InvalidRepositoryException(
        Reason.THRESHOLD_NOT_MET,
        metadata.name() + " is signed by " + signers.valid().size() + " of the " + role.threshold() + " " + roleName
            + " keys its threshold needs",
        metadata.name());
  }

  private static boolean verifiedThreshold(Metadata metadata, Map<String, TufKey> keys, Role role) {
    return signers(metadata, keys, role).valid().size() >= role.threshold();
  }

  /** The distinct keys of the role whose signatures verify, and the first key of the role whose signature does not. */
  private record Signers(Set<String> valid, Optional<String> firstInvalid) {}

  /** Verifies each signature once: the crypto is the costly part of checking a threshold. */
  private static Signers signers(Metadata metadata, Map<String, TufKey> keys, Role role) {
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

  private static void checkNotExpired(Metadata metadata, Instant now) {
    String expires = metadata.signed().path("expires").asText("");
    Instant expiry;
    try {
      expiry = Instant.parse(expires);
    } catch (DateTimeParseException e) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, metadata.name() + " has no valid expires time", expires);
    }
    if (!expiry.isAfter(now)) {
      throw new InvalidRepositoryException(
          Reason.METADATA_EXPIRED, metadata.name() + " expired at " + expires, metadata.name());
    }
  }

  private static long metaVersion(JsonNode meta, String in, String name) {
    JsonNode version = meta.path("version");
    if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
      throw mismatch(in + " names no version of " + name, in);
    }
    return version.asLong();
  }

  private static void checkLengthAndHashes(JsonNode meta, byte[] bytes, String in, String name) {
    if (meta.has("length") && meta.path("length").asLong(-1) != bytes.length) {
      throw mismatch(in + " gives " + name + " a length of " + meta.path("length") + ", it has " + bytes.length, name);
    }
    for (Map.Entry<String, JsonNode> hash : meta.path("hashes").properties()) {
      String algorithm = hash.getKey().equals("sha256") ? "SHA-256" : hash.getKey().equals("sha512") ? "SHA-512" : null;
      if (algorithm != null && !hash.getValue().asText().equalsIgnoreCase(digest(algorithm, bytes))) {
        throw mismatch(in + " names another " + hash.getKey() + " for " + name, name);
      }
    }
  }

  private static String digest(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }

  /**
   * The file of the role's version that {@code namedBy} names: {@code <version>.<role>.json} in a consistent snapshot,
   * else {@code <role>.json}; either is taken, and the version it holds is checked after. Another version's file
   * alone is a mismatch.
   */
  private static String named(
      Map<String, byte[]> files, boolean consistent, long version, String role, String namedBy) {
    String versioned = version + "." + role + ".json";
    String plain = role + ".json";
    String preferred = consistent ? versioned : plain;
    String other = consistent ? plain : versioned;
    if (files.containsKey(preferred) || files.containsKey(other)) {
      return files.containsKey(preferred) ? preferred : other;
    }
    List<String> present =
        files.keySet().stream().filter(name -> name.matches("[0-9]+\\." + role + "\\.json")).toList();
    if (!present.isEmpty()) {
      throw mismatch(namedBy + " names " + role + " version " + version + ", the archive holds " + present, namedBy);
    }
    throw new InvalidRepositoryException(
        Reason.METADATA_INVALID, "the archive holds no " + plain + " or " + versioned + " under metadata/", plain);
  }

  private static byte[] required(Map<String, byte[]> files, String name) {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, "the archive holds no " + name + " under metadata/", name);
    }
    return bytes;
  }

  private static long version(Metadata metadata) {
    JsonNode version = metadata.signed().path("version");
    if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, metadata.name() + ": signed.version must be a positive integer", metadata.name());
    }
    return version.asLong();
  }

  private static InvalidRepositoryException mismatch(String message, String detail) {
    return new InvalidRepositoryException(Reason.VERSION_MISMATCH, message, detail);
  }

  private static byte[] canonical(JsonNode node, String name) {
    try {
      return CanonicalJson.encode(node);
    } catch (IllegalArgumentException e) {
      throw new InvalidRepositoryException(Reason.METADATA_INVALID, name + ": " + e.getMessage(), name);
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(LocalDepot.sha256Digest().digest(bytes));
  }

  /** One metadata file: its signed part (and that part's canonical bytes) and its signatures. */
  private record Metadata(String name, JsonNode signed, byte[] canonicalSigned, JsonNode signatures) {
    static Metadata parse(String name, byte[] bytes, String type) {
      JsonNode document;
      try {
        document = JSON.readTree(bytes);
      } catch (IOException e) {
        throw new InvalidRepositoryException(Reason.METADATA_INVALID, name + " is not valid JSON", name);
      }
      JsonNode signed = document.path("signed");
      if (!signed.isObject() || !type.equals(signed.path("_type").asText())) {
        throw new InvalidRepositoryException(
            Reason.METADATA_INVALID, name + " is not TUF " + type + " metadata: signed._type must be \"" + type + "\"",
            name);
      }
      if (!document.path("signatures").isArray()) {
        throw new InvalidRepositoryException(Reason.METADATA_INVALID, name + " has no signatures list", name);
      }
      return new Metadata(name, signed, canonical(signed, name), document.path("signatures"));
    }

    Metadata(String name, JsonNode signed, byte[] canonicalSigned, JsonNode signatures) {
      this.name = name;
      this.signed = signed;
      this.canonicalSigned = canonicalSigned == null ? canonical(signed, name) : canonicalSigned;
      this.signatures = signatures == null ? JSON.createArrayNode() : signatures;
    }

    String canonicalHash() {
      return sha256(canonicalSigned);
    }
  }
}

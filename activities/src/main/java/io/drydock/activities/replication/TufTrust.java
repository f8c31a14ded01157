package io.drydock.activities.replication;

import static io.drydock.activities.replication.TufMetaFiles.checkLengthAndHashes;
import static io.drydock.activities.replication.TufMetaFiles.metaVersion;
import static io.drydock.activities.replication.TufMetaFiles.mismatch;
import static io.drydock.activities.replication.TufMetaFiles.named;
import static io.drydock.activities.replication.TufMetaFiles.required;
import static io.drydock.activities.replication.TufSignatures.checkSigned;
import static io.drydock.activities.replication.TufSignatures.keys;
import static io.drydock.activities.replication.TufSignatures.role;
import static io.drydock.activities.replication.TufSignatures.verifiedThreshold;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies an archive's TUF metadata as the TUF specification's client workflow does (section 5,
 * "Detailed client workflow"; python-tuf's ngclient is the reference): from a trusted root, the
 * archive's root chain version by version (each new root signed by a threshold of the previous
 * root's root keys and of its own), then timestamp, snapshot and targets, each signed by a
 * threshold of distinct keys of its role in the final root, each version, length and hash (sha256
 * and sha512; others are not checked) one role names for the next matching it, none expired at the
 * time of the upload. Signatures are over the canonical form of {@code signed} ({@link
 * CanonicalJson}); key ids must be the sha256 of the key's canonical form, as the specification
 * computes them.
 *
 * <p>This class keeps the order of the workflow's checks; the checks are {@link TufMetadata}'s
 * (form, version, expiry), {@link TufSignatures}' (keys, thresholds) and {@link TufMetaFiles}' (the
 * files, lengths and hashes named).
 */
final class TufTrust {
  private static final Pattern VERSIONED_ROOT = Pattern.compile("([1-9][0-9]{0,18})\\.root\\.json");

  /** A root Drydock trusts, named by the sha256 of its signed part's canonical form. */
  record TrustedRoot(String id, Path source, JsonNode signed) {}

  /**
   * What verification established: the trusted root it started from and the versions it accepted.
   */
  record Verified(
      String trustedRootId,
      long rootVersion,
      long snapshotVersion,
      long targetsVersion,
      byte[] targets) {}

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
   * Reads the trusted roots: each a root.json that signs itself with a threshold of its root keys,
   * as python-tuf requires of its trusted root.
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
        TufMetadata root = TufMetadata.parse(file.getFileName().toString(), bytes, "root");
        Map<String, TufKey> keys = keys(root);
        checkSigned(root, keys, role(root, "root"), "root");
        roots.add(new TrustedRoot(root.canonicalHash(), file, root.signed()));
      } catch (InvalidRepositoryException e) {
        throw new IllegalArgumentException(
            "the trusted TUF root "
                + file
                + " is not a root.json that signs itself: "
                + e.getMessage()
                + (e.detail() == null ? "" : " (" + e.detail() + ")"),
            e);
      }
    }
    return roots;
  }

  /**
   * @param metadata the archive's metadata files by name ({@code 1.root.json}, {@code
   *     timestamp.json} ...)
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
    Map<Long, TufMetadata> archiveRoots = archiveRoots(files);
    TufMetadata root =
        new TufMetadata(
            "trusted root " + trusted.source().getFileName(), trusted.signed(), null, null);
    long trustedVersion = root.version();
    TufMetadata same = archiveRoots.get(trustedVersion);
    if (same != null && !same.canonicalHash().equals(trusted.id())) {
      throw new InvalidRepositoryException(
          Reason.ROOT_UNTRUSTED,
          "the archive's " + same.name() + " is not the trusted root of that version",
          trusted.source().toString());
    }
    for (long next = trustedVersion + 1; archiveRoots.containsKey(next); next++) {
      TufMetadata newer = archiveRoots.get(next);
      if (!verifiedThreshold(newer, keys(root), role(root, "root"))) {
        throw new InvalidRepositoryException(
            Reason.ROOT_UNTRUSTED,
            newer.name()
                + " is not signed by a threshold of the root keys of version "
                + root.version(),
            newer.name());
      }
      checkSigned(newer, keys(newer), role(newer, "root"), "root");
      if (newer.version() != next) {
        throw mismatch(newer.name() + " holds version " + newer.version(), newer.name());
      }
      root = newer;
    }
    long finalVersion = root.version();
    archiveRoots.keySet().stream()
        .filter(version -> version > finalVersion)
        .findFirst()
        .ifPresent(
            gap -> {
              throw mismatch(
                  "root version " + gap + " does not follow version " + finalVersion,
                  gap + ".root.json");
            });
    root.checkNotExpired(now);
    Map<String, TufKey> keys = keys(root);
    boolean consistent = root.signed().path("consistent_snapshot").asBoolean(false);

    TufMetadata timestamp =
        TufMetadata.parse("timestamp.json", required(files, "timestamp.json"), "timestamp");
    checkSigned(timestamp, keys, role(root, "timestamp"), "timestamp");
    timestamp.checkNotExpired(now);
    JsonNode snapshotMeta = timestamp.signed().path("meta").path("snapshot.json");
    long snapshotVersion = metaVersion(snapshotMeta, "timestamp.json", "snapshot.json");

    String snapshotName = named(files, consistent, snapshotVersion, "snapshot", "timestamp.json");
    byte[] snapshotBytes = files.get(snapshotName);
    checkLengthAndHashes(snapshotMeta, snapshotBytes, "timestamp.json", snapshotName);
    TufMetadata snapshot = TufMetadata.parse(snapshotName, snapshotBytes, "snapshot");
    checkSigned(snapshot, keys, role(root, "snapshot"), "snapshot");
    if (snapshot.version() != snapshotVersion) {
      throw mismatch(
          "timestamp.json names snapshot version "
              + snapshotVersion
              + ", "
              + snapshotName
              + " is version "
              + snapshot.version(),
          snapshotName);
    }
    snapshot.checkNotExpired(now);
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
    TufMetadata targets = TufMetadata.parse(targetsName, targetsBytes, "targets");
    checkSigned(targets, keys, role(root, "targets"), "targets");
    if (targets.version() != targetsVersion) {
      throw mismatch(
          snapshotName
              + " names targets version "
              + targetsVersion
              + ", "
              + targetsName
              + " is version "
              + targets.version(),
          targetsName);
    }
    targets.checkNotExpired(now);
    JsonNode delegations = targets.signed().path("delegations");
    if (delegations.path("roles").size() > 0 || delegations.has("succinct_roles")) {
      throw new InvalidRepositoryException(
          Reason.DELEGATIONS_UNSUPPORTED,
          "the targets metadata delegates to other roles; Drydock verifies top-level targets only",
          targetsName);
    }
    return new Verified(trusted.id(), finalVersion, snapshotVersion, targetsVersion, targetsBytes);
  }

  /**
   * The archive's roots by version: {@code N.root.json}, or a {@code root.json} by the version it
   * holds.
   */
  private static Map<Long, TufMetadata> archiveRoots(Map<String, byte[]> files) {
    Map<Long, TufMetadata> roots = new TreeMap<>();
    files.forEach(
        (name, bytes) -> {
          Matcher versioned = VERSIONED_ROOT.matcher(name);
          if (versioned.matches() || name.equals("root.json")) {
            TufMetadata root = TufMetadata.parse(name, bytes, "root");
            long version =
                versioned.matches() ? Long.parseLong(versioned.group(1)) : root.version();
            if (roots.put(version, root) != null) {
              throw new InvalidRepositoryException(
                  Reason.METADATA_INVALID,
                  "the archive holds two roots of version " + version,
                  name);
            }
          }
        });
    return roots;
  }
}

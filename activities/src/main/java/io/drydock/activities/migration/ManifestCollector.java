package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads manifests with the children of lists and indexes (children first, so they exist before the
 * index refers to them) and checks their blobs are present.
 */
final class ManifestCollector {
  private final LegacyStorage legacy;
  private final String repositoryPath;
  private final List<ManifestRecord> manifests = new ArrayList<>();
  private final Set<Digest> digests = new HashSet<>();

  ManifestCollector(LegacyStorage legacy, String repositoryPath) {
    this.legacy = legacy;
    this.repositoryPath = repositoryPath;
  }

  int size() {
    return manifests.size();
  }

  List<ManifestRecord> drain() {
    List<ManifestRecord> drained = List.copyOf(manifests);
    manifests.clear();
    digests.clear();
    return drained;
  }

  void addWithChildren(Digest digest) {
    if (digests.contains(digest)) {
      return;
    }
    if (!legacy.hasManifestRevision(repositoryPath, digest)) {
      throw new InvalidLegacyDataException(
          "manifest " + digest + " is not a revision of " + repositoryPath);
    }
    byte[] payload = legacy.readSmallBlob(digest, ParsedManifest.MAX_BYTES);
    ParsedManifest parsed = ParsedManifest.parse(digest, payload);
    for (Digest child : parsed.children()) {
      addWithChildren(child);
    }
    requireBlobs(digest, parsed);
    digests.add(digest);
    manifests.add(new ManifestRecord(digest, payload, parsed));
  }

  private void requireBlobs(Digest manifest, ParsedManifest parsed) {
    List<ParsedManifest.BlobReference> blobs = new ArrayList<>(parsed.layers());
    if (parsed.config() != null) {
      blobs.add(parsed.config());
    }
    for (ParsedManifest.BlobReference blob : blobs) {
      if (!legacy.blobExists(blob.digest())) {
        throw new InvalidLegacyDataException(
            "blob "
                + blob.digest()
                + " referenced by manifest "
                + manifest
                + " is missing from the storage");
      }
    }
  }
}

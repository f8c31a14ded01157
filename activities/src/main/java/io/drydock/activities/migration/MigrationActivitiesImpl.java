package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportRequest;
import io.drydock.workflows.migration.MigrationActivities;
import io.drydock.workflows.migration.MigrationFailures;
import io.drydock.workflows.migration.StatusTransition;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads repositories from the legacy storage and records them in the registry database. */
public final class MigrationActivitiesImpl implements MigrationActivities {
  /** Manifests and configs are small JSON documents; the GitLab registry refuses manifests above 4 MiB too. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(MigrationActivitiesImpl.class);

  private final LegacyStorage legacy;
  private final RegistryStore store;
  private final int batchSize;

  public MigrationActivitiesImpl(LegacyStorage legacy, RegistryStore store, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
    }
    this.legacy = legacy;
    this.store = store;
    this.batchSize = batchSize;
  }

  @Override
  public ImportCounts preImport(ImportRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    String path = request.repositoryPath();
    try {
      List<String> tags = legacy.tags(path);
      long resumeAfter = context.getHeartbeatDetails(ImportProgress.class).map(ImportProgress::tagsDone).orElse(0L);
      if (resumeAfter > 0) {
        log.info("pre-import of {} resumes after {} of {} tags", path, resumeAfter, tags.size());
      }
      Batch batch = new Batch(request);
      for (int i = (int) Math.min(resumeAfter, tags.size()); i < tags.size(); i++) {
        String tag = tags.get(i);
        Optional<Digest> target = legacy.tagTarget(path, tag);
        if (target.isEmpty()) {
          throw new InvalidLegacyDataException("tag " + tag + " of " + path + " has no current link");
        }
        batch.addWithChildren(target.get());
        if (batch.size() >= batchSize) {
          batch.flush();
          context.heartbeat(new ImportProgress(i + 1, tags.size()));
        }
      }
      batch.flush();
      context.heartbeat(new ImportProgress(tags.size(), tags.size()));
      return store.counts(path);
    } catch (FencedOutException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), MigrationFailures.FENCED_OUT);
    } catch (InvalidLegacyDataException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "InvalidLegacyData");
    }
  }

  @Override
  public boolean transitionStatus(StatusTransition transition) {
    boolean applied = store.transition(transition);
    if (!applied) {
      log.info(
          "status of {} not changed to {}: the run was superseded", transition.repositoryPath(), transition.next());
    }
    return applied;
  }

  /** Manifests collected for one write; an index's children are added before the index so they exist first. */
  private final class Batch {
    private final ImportRequest request;
    private final List<ManifestRecord> manifests = new ArrayList<>();
    private final Set<Digest> digests = new HashSet<>();

    Batch(ImportRequest request) {
      this.request = request;
    }

    int size() {
      return manifests.size();
    }

    void addWithChildren(Digest digest) {
      if (digests.contains(digest)) {
        return;
      }
      if (!legacy.hasManifestRevision(request.repositoryPath(), digest)) {
        throw new InvalidLegacyDataException(
            "manifest " + digest + " is not a revision of " + request.repositoryPath());
      }
      byte[] payload = legacy.readSmallBlob(digest, MAX_MANIFEST_BYTES);
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
              "blob " + blob.digest() + " referenced by manifest " + manifest + " is missing from the storage");
        }
      }
    }

    void flush() {
      if (manifests.isEmpty()) {
        return;
      }
      store.writeManifests(request.repositoryPath(), request.ownerToken(), manifests);
      manifests.clear();
      digests.clear();
    }
  }
}

package io.drydock.activities.migration;

import io.drydock.activities.failures.ExpectedFailure;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.workflows.migration.ImportChunk;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportRequest;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationActivities;
import io.drydock.workflows.migration.MigrationFailures;
import io.drydock.workflows.migration.StatusTransition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads repositories from the legacy storage and records them in the registry database. */
public final class MigrationActivitiesImpl implements MigrationActivities {
  private static final Logger log = LoggerFactory.getLogger(MigrationActivitiesImpl.class);
  private static final String IMPORTS_FINISHED = "drydock.imports.finished";

  private final LegacyStorage legacy;
  private final ImportRunStore runs;
  private final ImportedMetadataStore store;
  private final int batchSize;
  private final MeterRegistry meters;

  public MigrationActivitiesImpl(
      LegacyStorage legacy,
      ImportRunStore runs,
      ImportedMetadataStore store,
      int batchSize,
      MeterRegistry meters) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
    }
    this.legacy = legacy;
    this.runs = runs;
    this.store = store;
    this.batchSize = batchSize;
    this.meters = meters;
  }

  @Override
  public ImportChunk importChunk(ImportRequest request, long fromTag, int maxTags) {
    return failingClearly(
        () -> {
          List<String> tags = legacy.tags(request.repositoryPath());
          long end = Math.min(tags.size(), fromTag + maxTags);
          long start = Math.min(end, resumePoint(fromTag));
          importTagRange(
              request, tags.subList((int) start, (int) end).iterator(), start, end, tags.size());
          return new ImportChunk(end, tags.size(), store.counts(request.repositoryPath()));
        });
  }

  @Override
  public ImportChunk importTags(ImportRequest request, long fromTag, long maxTags) {
    return failingClearly(
        () -> {
          ActivityExecutionContext context = Activity.getExecutionContext();
          String path = request.repositoryPath();
          long resumed = resumePoint(fromTag);
          // A million tags take longer to read than the heartbeat timeout: reading them heartbeats
          // too.
          ImportProgress reading = new ImportProgress(resumed, 0);
          long total = 0;
          try (Stream<String> tags = legacy.streamTags(path)) {
            for (Iterator<String> all = tags.iterator(); all.hasNext(); all.next()) {
              total++;
              context.heartbeat(reading);
            }
          }
          long end = Math.min(total, fromTag + Math.min(maxTags, total));
          long start = Math.min(end, resumed);
          try (Stream<String> tags = legacy.streamTags(path)) {
            Iterator<String> range = tags.iterator();
            for (long skipped = 0; skipped < start && range.hasNext(); skipped++) {
              range.next();
              context.heartbeat(reading);
            }
            importTagRange(request, range, start, end, total);
          }
          // The counts are the repository row's, kept by each batch; a run that leaves tags for the
          // next has none.
          return new ImportChunk(end, total, end >= total ? store.counts(path) : ImportCounts.NONE);
        });
  }

  /** A retried attempt resumes after the last batch the previous attempt reported committed. */
  private static long resumePoint(long fromTag) {
    return Math.max(
        fromTag,
        Activity.getExecutionContext()
            .getHeartbeatDetails(ImportProgress.class)
            .map(ImportProgress::tagsDone)
            .orElse(0L));
  }

  /**
   * Records the manifests of {@code tags}, which start at position {@code start} of the {@code
   * total}, up to position {@code end}, in batches, reading the next batch from the legacy storage
   * while the previous one commits. Heartbeats the progress of the last committed batch, and the
   * last tag's once everything is committed.
   */
  private void importTagRange(
      ImportRequest request, Iterator<String> tags, long start, long end, long total) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    String path = request.repositoryPath();
    ManifestCollector batch = new ManifestCollector(legacy, path);
    long position = start;
    try (BatchWriter writer =
        new BatchWriter(
            store,
            path,
            request.ownerToken(),
            new ImportProgress(start, total),
            written -> manifestsWritten(ImportType.PRE, written))) {
      while (position < end && tags.hasNext()) {
        batch.addWithChildren(tagTarget(path, tags.next()));
        position++;
        if (batch.size() >= batchSize) {
          writer.write(batch.drain(), new ImportProgress(position, total));
        }
        // Throttled by the SDK; the answer carries a cancel request, which this call turns into an
        // exception.
        context.heartbeat(writer.committed());
      }
      writer.write(batch.drain(), new ImportProgress(position, total));
      writer.awaitCommitted();
    }
    context.heartbeat(new ImportProgress(position, total));
  }

  @Override
  public ImportCounts finalImport(ImportRequest request) {
    return failingClearly(
        () -> {
          ActivityExecutionContext context = Activity.getExecutionContext();
          String path = request.repositoryPath();
          List<String> tagNames = legacy.tags(path);
          Map<String, Digest> tags = new TreeMap<>();
          for (String tag : tagNames) {
            tags.put(tag, tagTarget(path, tag));
            context.heartbeat(new ImportProgress(tags.size(), tagNames.size()));
          }
          Set<Digest> targets = new HashSet<>(tags.values());
          Set<Digest> present = store.existingManifests(path, targets);
          ManifestCollector pushedSincePreImport = new ManifestCollector(legacy, path);
          for (Digest target : targets) {
            if (!present.contains(target)) {
              pushedSincePreImport.addWithChildren(target);
              context.heartbeat(new ImportProgress(tags.size(), tagNames.size()));
            }
          }
          List<ManifestRecord> pushed = pushedSincePreImport.drain();
          store.commitFinalImport(path, request.ownerToken(), pushed, tags);
          manifestsWritten(ImportType.FINAL, pushed.size());
          return store.counts(path);
        });
  }

  @Override
  public boolean finishRun(StatusTransition transition) {
    String status = transition.next().wireValue();
    String importType =
        status.startsWith("pre_") ? ImportType.PRE.wireValue() : ImportType.FINAL.wireValue();
    Optional<ImportRunStore.FinishedRun> finished = runs.finishRun(transition);
    if (finished.isEmpty()) {
      log.info(
          "status of {} not changed to {}: the run was superseded",
          transition.repositoryPath(),
          transition.next());
      meters
          .counter(IMPORTS_FINISHED, "import_type", importType, "outcome", "superseded")
          .increment();
      return false;
    }
    // complete or failed: the last word of pre_import_complete, import_failed...
    recordFinished(
        transition.repositoryPath(), finished.get(), status.substring(status.lastIndexOf('_') + 1));
    return true;
  }

  @Override
  public boolean resumeRun(StatusTransition transition) {
    return runs.resumeRun(transition);
  }

  @Override
  public boolean cancelRun(ImportRequest request) {
    return runs.cancelRun(request.repositoryPath(), request.ownerToken());
  }

  /**
   * Called only for a run that was canceled (a DELETE or the {@code cancel} signal), once it has
   * stopped.
   */
  @Override
  public void releaseRun(ImportRequest request) {
    runs.releaseRun(request.repositoryPath(), request.ownerToken())
        .ifPresent(canceled -> recordFinished(request.repositoryPath(), canceled, "canceled"));
  }

  private void recordFinished(String path, ImportRunStore.FinishedRun run, String outcome) {
    log.info(
        "{} import of {} ended {}{}",
        run.importType(),
        path,
        outcome,
        run.sinceClaim().map(took -> ", " + took.toMillis() + " ms after its claim").orElse(""));
    meters
        .counter(IMPORTS_FINISHED, "import_type", run.importType(), "outcome", outcome)
        .increment();
    run.sinceClaim()
        .ifPresent(
            took ->
                Timer.builder("drydock.import.duration")
                    .description(
                        "from the API's claim to the run's end, an operator's retry included")
                    .tags("import_type", run.importType(), "outcome", outcome)
                    .register(meters)
                    .record(took));
  }

  /**
   * Counts committed rows, so a retried attempt's re-committed batch (an idempotent write) counts
   * again.
   */
  private void manifestsWritten(ImportType type, int count) {
    meters.counter("drydock.manifests.written", "import_type", type.wireValue()).increment(count);
  }

  @Override
  public ImportCounts preImport(ImportRequest request) {
    ImportChunk all = importChunk(request, 0, Integer.MAX_VALUE);
    return all.counts();
  }

  @Override
  public boolean transitionStatus(StatusTransition transition) {
    return runs.transition(transition);
  }

  private Digest tagTarget(String path, String tag) {
    return legacy
        .tagTarget(path, tag)
        .orElseThrow(
            () ->
                new InvalidLegacyDataException(
                    "tag " + tag + " of " + path + " has no current link"));
  }

  /** Fenced-out and unimportable data are final: no retry can change them. */
  private static <T> T failingClearly(Supplier<T> work) {
    try {
      return work.get();
    } catch (FencedOutException e) {
      throw ExpectedFailure.of(log, MigrationFailures.FENCED_OUT, e.getMessage());
    } catch (InvalidLegacyDataException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), MigrationFailures.INVALID_LEGACY_DATA);
    }
  }
}

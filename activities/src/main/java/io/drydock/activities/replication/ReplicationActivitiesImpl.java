package io.drydock.activities.replication;

import io.drydock.workflows.replication.DesiredArtifacts;
import io.drydock.workflows.replication.ReplicationActivities;
import io.drydock.workflows.replication.RequestOutcome;
import io.drydock.workflows.replication.SledReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication workflow's activities. A sled's failure is an answer (UNREACHABLE, STALE, {@code
 * ok=false}) and never an exception: retrying would only repeat it, and the next activation plans
 * afresh. Exceptions are left for our own database and depot, which Temporal's retries are for.
 * Every request sent is appended to the request log.
 */
public final class ReplicationActivitiesImpl implements ReplicationActivities {
  private static final Logger log = LoggerFactory.getLogger(ReplicationActivitiesImpl.class);
  private static final String CONFIG_GENERATION = "CONFIG_GENERATION";

  private final ArtifactStore store;
  private final LocalDepot depot;
  private final SledClient sleds;
  private final RequestLog requests;
  private final CopyWatch copies;
  private final MeterRegistry meters;

  /**
   * 1 while the sled's last sync got its listing, 0 once one did not: one gauge per configured
   * sled.
   */
  private final Map<String, AtomicInteger> sledAnswering = new ConcurrentHashMap<>();

  /**
   * @param copyTimeout how long a copy may take before the target is seen not to have listed the
   *     artifact
   */
  ReplicationActivitiesImpl(
      ArtifactStore store,
      LocalDepot depot,
      SledClient sleds,
      RequestLog requests,
      Duration copyTimeout,
      MeterRegistry meters) {
    this.store = store;
    this.depot = depot;
    this.sleds = sleds;
    this.requests = requests;
    this.copies = new CopyWatch(sleds, copyTimeout);
    this.meters = meters;
  }

  @Override
  public DesiredArtifacts loadDesiredArtifacts() {
    return store.desired();
  }

  @Override
  public SledReport syncSled(String sledId, long generation, List<String> artifacts) {
    SledReport report = sync(sledId, generation, artifacts);
    sledAnswering
        .computeIfAbsent(
            sledId,
            id ->
                meters.gauge(
                    "drydock.replication.sled.answering", Tags.of("sled", id), new AtomicInteger()))
        .set(report.state() == SledReport.State.LISTED ? 1 : 0);
    return report;
  }

  private SledReport sync(String sledId, long generation, List<String> artifacts) {
    SledClient.Answer<Void> config = sleds.putConfig(sledId, generation, artifacts);
    record("config", sledId, null, null, generation, config.error());
    if (!config.succeeded()) {
      SledReport.State state =
          config.status() == 409 && CONFIG_GENERATION.equals(config.errorCode())
              ? SledReport.State.STALE
              : SledReport.State.UNREACHABLE;
      return new SledReport(sledId, state, generation, Map.of(), config.error());
    }
    SledClient.Answer<SledClient.Listing> listed = sleds.listArtifacts(sledId);
    record("list", sledId, null, null, generation, listed.error());
    if (!listed.succeeded()) {
      return new SledReport(
          sledId, SledReport.State.UNREACHABLE, generation, Map.of(), listed.error());
    }
    SledClient.Listing listing = listed.value();
    if (listing.generation() != generation) {
      return new SledReport(
          sledId,
          SledReport.State.STALE,
          listing.generation(),
          Map.of(),
          "the sled lists generation "
              + listing.generation()
              + " after accepting our generation "
              + generation);
    }
    return new SledReport(sledId, SledReport.State.LISTED, generation, listing.copies(), null);
  }

  @Override
  public RequestOutcome putArtifact(String targetSledId, long generation, String sha256) {
    Optional<Path> file =
        LocalDepot.SHA256.matcher(sha256).matches() ? depot.find(sha256) : Optional.empty();
    AtomicLong sent = new AtomicLong();
    String error;
    if (file.isEmpty()) {
      // Freed or deleted since the plan was made; the next activation plans without it.
      error = "the local depot does not hold " + sha256 + "; nothing was sent";
    } else {
      ActivityExecutionContext activity = Activity.getExecutionContext();
      error =
          sleds
              .putArtifact(targetSledId, sha256, generation, file.get(), sent, activity::heartbeat)
              .error();
    }
    record("put", targetSledId, null, sha256, generation, error);
    meters.counter("drydock.replication.depot.bytes.sent").increment(sent.get());
    if (error != null) {
      log.info("put of {} to sled {} failed: {}", sha256, targetSledId, error);
    }
    return new RequestOutcome(
        "put", targetSledId, null, sha256, generation, error == null, error, sent.get());
  }

  @Override
  public RequestOutcome copyArtifact(
      String targetSledId, String sourceSledId, long generation, String sha256) {
    ActivityExecutionContext activity = Activity.getExecutionContext();
    SledClient.Answer<Void> accepted =
        sleds.copyFromDepot(targetSledId, sourceSledId, sha256, generation);
    String error =
        accepted.succeeded()
            ? copies.awaitLanded(targetSledId, generation, sha256, () -> activity.heartbeat(null))
            : accepted.error();
    record("copy", targetSledId, sourceSledId, sha256, generation, error);
    if (error != null) {
      log.info(
          "copy of {} from sled {} to sled {} failed: {}",
          sha256,
          sourceSledId,
          targetSledId,
          error);
    }
    return new RequestOutcome(
        "copy", targetSledId, sourceSledId, sha256, generation, error == null, error, 0);
  }

  @Override
  public boolean freeLocalCopies(String repositoryId, long generation) {
    boolean freed = store.freeLocalCopies(repositoryId, generation);
    if (freed) {
      log.info("local copies of repository {} freed at generation {}", repositoryId, generation);
    } else {
      log.info(
          "repository {} not freed: generation {} is no longer current or it is gone",
          repositoryId,
          generation);
    }
    return freed;
  }

  /** Appends the request to the request log and counts it by kind and outcome. */
  private void record(
      String kind,
      String sledId,
      String sourceSledId,
      String sha256,
      long generation,
      String error) {
    requests.append(kind, sledId, sourceSledId, sha256, generation, error);
    meters
        .counter(
            "drydock.replication.requests",
            "kind",
            kind,
            "outcome",
            error == null ? "ok" : "failed")
        .increment();
  }
}

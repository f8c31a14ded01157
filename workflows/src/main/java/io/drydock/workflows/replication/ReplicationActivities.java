package io.drydock.workflows.replication;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The database, the local depot and the sleds. Activities address sleds only by id and resolve the
 * URL from the sled registry at call time: no URL ever comes from workflow input or a request body.
 */
@ActivityInterface
public interface ReplicationActivities {
  /** Generation, artifact set, in-service sleds and local repositories, read in one transaction. */
  @ActivityMethod
  DesiredArtifacts loadDesiredArtifacts();

  /**
   * Puts {@code {generation, artifacts}} as the sled's config, then lists what it holds. Never
   * throws for a sled's failure: it becomes {@link SledReport.State#UNREACHABLE} or {@link
   * SledReport.State#STALE}.
   */
  @ActivityMethod
  SledReport syncSled(String sledId, long generation, List<String> artifacts);

  /**
   * Streams the artifact from the local depot to the sled. Heartbeats; never throws for the sled's
   * failure.
   */
  @ActivityMethod
  RequestOutcome putArtifact(String targetSledId, long generation, String sha256);

  /**
   * Tells the target sled to copy the artifact from the source sled, and waits (heartbeating) until
   * the target lists it or the copy is seen to fail. Never throws for a sled's failure.
   */
  @ActivityMethod
  RequestOutcome copyArtifact(
      String targetSledId, String sourceSledId, long generation, String sha256);

  /**
   * Frees the depot's copies of the repository's artifacts, if the repository still exists and
   * generation is still current; returns whether it freed them.
   */
  @ActivityMethod
  boolean freeLocalCopies(String repositoryId, long generation);
}

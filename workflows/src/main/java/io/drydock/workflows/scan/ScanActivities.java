package io.drydock.workflows.scan;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The registry database, the legacy storage's blobs and the scanners. Every write is fenced by the
 * run's token: a superseded run fails with {@link ScanFailures#SUPERSEDED} and changes nothing.
 * Database errors and timeouts are thrown, so the retry policy retries them; nothing is written in
 * their place.
 */
@ActivityInterface
public interface ScanActivities {
  /**
   * Takes the manifest's scan status for this run ({@code scheduled}), and checks the stored
   * report. A load that fails or times out throws: it is never mistaken for "no report" or "already
   * scanned".
   */
  @ActivityMethod
  ManifestCheck checkManifest(String manifestDigest, String runToken, boolean force);

  /**
   * Sets the status {@code scanning}, checks that every layer blob exists, and returns those not
   * scanned yet.
   */
  @ActivityMethod
  List<String> fetchLayers(
      String manifestDigest, String runToken, String indexState, List<String> layers);

  /**
   * Streams the layer from the legacy storage through the scanners and keeps the result; heartbeats
   * bytes read.
   */
  @ActivityMethod
  void scanLayer(String layerDigest, String indexState);

  /**
   * Coalesces the layers' results into a finished report and stores it with the status {@code
   * finished}, in one transaction. Returns the number of packages. Idempotent for the same run.
   */
  @ActivityMethod
  int indexManifest(String manifestDigest, String runToken, String indexState, List<String> layers);

  /** Sets the status {@code finished} without writing, for a reused report. */
  @ActivityMethod
  void finishReused(String manifestDigest, String runToken);

  /**
   * Stores an {@code IndexError} report saying what failed, unless a finished report exists (a good
   * report is never replaced by a worse one), and sets the status {@code failed}, in one
   * transaction.
   */
  @ActivityMethod
  void recordError(String manifestDigest, String runToken, String error);

  /** Image manifests (optionally of one repository) after {@code after}, in digest order. */
  @ActivityMethod
  ManifestPage listManifests(String repository, String after, int limit);

  @ActivityMethod
  long countManifests(String repository);
}

package io.drydock.workflows.replication;

/**
 * @param activationPeriodSeconds time between activations without a signal (default 300)
 * @param minSledReplication local copies of a repository are freed only when each of its artifacts
 *     is on at least this many sleds, or on every in-service sled when there are fewer (default 3)
 * @param maxRequestsInFlight requests to sleds running at once (default 8)
 */
public record ReplicationSettings(
    long activationPeriodSeconds, int minSledReplication, int maxRequestsInFlight) {
  public static ReplicationSettings defaults() {
    return new ReplicationSettings(300, 3, 8);
  }
}

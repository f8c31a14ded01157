package io.drydock.workflows.replication;

/** Requests sent to sleds, per request type, and how many failed. */
public record ReplicationCounters(
    long configPuts,
    long configPutFailures,
    long lists,
    long listFailures,
    long artifactPuts,
    long artifactPutFailures,
    long copies,
    long copyFailures,
    long bytesSentByDepot) {
  public static ReplicationCounters zero() {
    return new ReplicationCounters(0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public ReplicationCounters plus(ReplicationCounters other) {
    return new ReplicationCounters(
        configPuts + other.configPuts,
        configPutFailures + other.configPutFailures,
        lists + other.lists,
        listFailures + other.listFailures,
        artifactPuts + other.artifactPuts,
        artifactPutFailures + other.artifactPutFailures,
        copies + other.copies,
        copyFailures + other.copyFailures,
        bytesSentByDepot + other.bytesSentByDepot);
  }
}

package io.drydock.workflows.replication;

import java.util.Map;

/**
 * A sled's answer to config-then-list.
 *
 * @param state {@link State#LISTED} with {@code copies}; {@link State#UNREACHABLE} (counts as
 *     holding nothing); {@link State#STALE} when the sled answered 409 {@code CONFIG_GENERATION} or
 *     listed another generation: our view is older than the sled's, so the activation stops and is
 *     retried with a fresh view
 * @param copies sha256 hex to the number of copies the sled holds (1 or 2 disks); only hashes in
 *     its config
 */
public record SledReport(
    String sledId, State state, long generation, Map<String, Integer> copies, String error) {
  public enum State {
    LISTED,
    UNREACHABLE,
    STALE
  }
}

package io.drydock.sledagent;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The artifacts the control plane wants on this sled, under the generation it numbered that wish
 * with. Kept as a sorted set so that two configs with the same artifacts in another order or with
 * repeats are equal.
 *
 * @param generation grows with every change the control plane makes; a sled never goes back to an
 *     older one
 * @param artifacts SHA-256 hex names of the wanted artifacts
 */
record ArtifactsConfig(long generation, SortedSet<String> artifacts) {
  ArtifactsConfig {
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
    TreeSet<String> copy = new TreeSet<>();
    for (String artifact : artifacts) {
      if (!Sha256.isHex(artifact)) {
        throw new IllegalArgumentException(
            "invalid artifact '"
                + (artifact == null ? "null" : Sha256.quoted(artifact))
                + "': expected a sha256 of exactly 64 lower-case hex characters");
      }
      copy.add(artifact);
    }
    artifacts = Collections.unmodifiableSortedSet(copy);
  }

  boolean wants(String sha256) {
    return artifacts.contains(sha256);
  }
}

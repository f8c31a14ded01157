package io.drydock.sledagent;

import java.util.HexFormat;
import java.util.Random;

/** Test content and its SHA-256, as the sled names it. */
record Artifact(byte[] bytes, String sha256) {
  private static final Random random = new Random(7129);

  static Artifact random(int size) {
    byte[] bytes = new byte[size];
    synchronized (random) {
      random.nextBytes(bytes);
    }
    return of(bytes);
  }

  static Artifact of(byte[] bytes) {
    return new Artifact(bytes, HexFormat.of().formatHex(Sha256.newDigest().digest(bytes)));
  }
}

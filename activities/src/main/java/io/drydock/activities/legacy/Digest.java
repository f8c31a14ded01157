package io.drydock.activities.legacy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest as the legacy storage names blobs and manifests. Only {@code sha256} exists in
 * that storage, so nothing else is accepted: a digest that passes this record's checks is safe to
 * use as a path component.
 */
public record Digest(String algorithm, String hex) {
  static final String SHA256 = "sha256";
  private static final String PREFIX = SHA256 + ":";
  private static final int SHA256_HEX_LENGTH = 64;
  // Long enough to recognise what was passed, short enough that a hostile value cannot flood a log
  // line.
  private static final int MAX_QUOTED_LENGTH = 80;

  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    if (!SHA256.equals(algorithm)) {
      throw new IllegalArgumentException(
          "unsupported digest algorithm '" + quoted(algorithm) + "': only sha256 is supported");
    }
    if (!isSha256Hex(hex)) {
      throw new IllegalArgumentException(
          "invalid sha256 hex '"
              + quoted(hex)
              + "': expected exactly 64 lower-case hex characters");
    }
  }

  /** Parses {@code sha256:} followed by exactly 64 lower-case hex characters. */
  public static Digest parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("digest is null");
    }
    if (!isDigest(s)) {
      throw new IllegalArgumentException(
          "invalid digest '"
              + quoted(s)
              + "': expected sha256: followed by exactly 64 lower-case hex characters");
    }
    return new Digest(SHA256, s.substring(PREFIX.length()));
  }

  /** Whether {@code s} is {@code sha256:} followed by exactly 64 lower-case hex characters. */
  public static boolean isDigest(String s) {
    return s != null && s.startsWith(PREFIX) && isSha256Hex(s.substring(PREFIX.length()));
  }

  public static Digest sha256Of(byte[] bytes) {
    try {
      return new Digest(
          SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /**
   * Whether {@code s} is a sha256 hex string; a plain loop because it runs once per revision of
   * huge repositories.
   */
  static boolean isSha256Hex(String s) {
    if (s.length() != SHA256_HEX_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String quoted(String s) {
    return s.length() <= MAX_QUOTED_LENGTH ? s : s.substring(0, MAX_QUOTED_LENGTH) + "...";
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}

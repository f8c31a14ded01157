package io.drydock.sledagent;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 names of artifacts. A value that passes {@link #isHex} is the only thing ever used as a
 * file name, so a request can never make the sled build a path of its choosing.
 */
final class Sha256 {
  private static final int HEX_LENGTH = 64;
  // Long enough to recognise what was sent, short enough that a hostile value cannot flood an
  // answer or a log line.
  private static final int MAX_QUOTED_LENGTH = 80;

  private Sha256() {}

  /** Whether {@code s} is exactly 64 lower-case hex characters. */
  static boolean isHex(String s) {
    if (s == null || s.length() != HEX_LENGTH) {
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

  static String requireHex(String candidate) {
    if (!isHex(candidate)) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "invalid sha256 '"
              + quoted(candidate)
              + "': expected exactly 64 lower-case hex characters");
    }
    return candidate;
  }

  static String quoted(String s) {
    return s.length() <= MAX_QUOTED_LENGTH ? s : s.substring(0, MAX_QUOTED_LENGTH) + "...";
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}

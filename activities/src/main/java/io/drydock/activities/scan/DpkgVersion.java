package io.drydock.activities.scan;

import java.math.BigInteger;

/**
 * dpkg's order of Debian package versions, {@code [epoch:]upstream_version[-debian_revision]}, as
 * Debian Policy 5.6.12 describes it and {@code dpkg --compare-versions} implements it: epochs
 * compare as numbers (absent is 0), then the upstream versions, then the revisions (absent is
 * empty, which equals "0"). Each part is compared as alternating runs of non-digits and digits:
 * non-digit runs character by character, where {@code ~} sorts before everything, even the end of
 * the run, letters before all other characters and the end of the run before any letter; digit runs
 * as numbers. Any string has a place in the order, as no version read from a package database may
 * break a comparison.
 */
final class DpkgVersion {
  private DpkgVersion() {}

  static int compare(String a, String b) {
    Parts left = Parts.of(a);
    Parts right = Parts.of(b);
    int byEpoch = left.epoch.compareTo(right.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byUpstream = compareRuns(left.upstream, right.upstream);
    return byUpstream != 0 ? byUpstream : compareRuns(left.revision, right.revision);
  }

  private record Parts(BigInteger epoch, String upstream, String revision) {
    static Parts of(String version) {
      BigInteger epoch = BigInteger.ZERO;
      String rest = version;
      int colon = version.indexOf(':');
      if (colon > 0 && version.substring(0, colon).chars().allMatch(Character::isDigit)) {
        epoch = new BigInteger(version.substring(0, colon));
        rest = version.substring(colon + 1);
      }
      int hyphen = rest.lastIndexOf('-');
      return hyphen < 0
          ? new Parts(epoch, rest, "")
          : new Parts(epoch, rest.substring(0, hyphen), rest.substring(hyphen + 1));
    }
  }

  private static int compareRuns(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !isDigit(a.charAt(i)))
          || (j < b.length() && !isDigit(b.charAt(j)))) {
        int left = weight(a, i);
        int right = weight(b, j);
        if (left != right) {
          return Integer.compare(left, right);
        }
        i++;
        j++;
      }
      int aStart = i;
      int bStart = j;
      while (i < a.length() && isDigit(a.charAt(i))) {
        i++;
      }
      while (j < b.length() && isDigit(b.charAt(j))) {
        j++;
      }
      int byNumber = number(a, aStart, i).compareTo(number(b, bStart, j));
      if (byNumber != 0) {
        return byNumber;
      }
    }
    return 0;
  }

  /**
   * A character's place in a non-digit run: {@code ~} first, then the end of the run (a digit or
   * the end of the string), then letters, then everything else, each group in character order.
   */
  private static int weight(String s, int i) {
    if (i >= s.length() || isDigit(s.charAt(i))) {
      return 0;
    }
    char c = s.charAt(i);
    if (c == '~') {
      return -1;
    }
    return isLetter(c) ? c : c + 256;
  }

  private static BigInteger number(String s, int from, int to) {
    return from == to ? BigInteger.ZERO : new BigInteger(s.substring(from, to));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }
}

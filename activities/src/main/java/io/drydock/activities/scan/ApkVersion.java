package io.drydock.activities.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * apk's order of Alpine package versions, {@code
 * number{.number}...[letter]{_suffix[number]}...[-rN]}, by the rules of apk-tools ({@code apk
 * version -t}): numbers compare as numbers, except that a dotted component with leading zeros sorts
 * below every component without ({@code 1.02 < 1.1}; more zeros sort lower: {@code 1.002 < 1.02});
 * a single lower-case letter may follow a number; suffixes order {@code _alpha < _beta < _pre < _rc
 * <} no suffix {@code < _cvs < _svn < _git < _hg < _p}, each optionally numbered; {@code -rN} is
 * the package revision. When one version runs out first, the other is greater, unless what it
 * continues with is a pre-release suffix. A version that stops following these rules (an unknown
 * suffix, a second letter) is compared as far as it follows them, and the rest counts as more than
 * nothing, as apk-tools does; so every string has a place in the order.
 */
final class ApkVersion {
  private ApkVersion() {}

  /** What a token is, in the order that decides between versions that differ in what comes next. */
  private enum Kind {
    INVALID,
    DOTTED_NUMBER,
    NUMBER,
    LETTER,
    SUFFIX,
    SUFFIX_NUMBER,
    REVISION,
    END;

    boolean ends() {
      return this == INVALID || this == END;
    }
  }

  private record Token(Kind kind, long value) {}

  /** apk-tools reads at most 17 digits as a number. */
  private static final int MAX_DIGITS = 18;

  private static final List<String> PRE_RELEASE = List.of("alpha", "beta", "pre", "rc");
  private static final List<String> POST_RELEASE = List.of("cvs", "svn", "git", "hg", "p");

  static int compare(String a, String b) {
    List<Token> left = tokens(a);
    List<Token> right = tokens(b);
    for (int i = 0; ; i++) {
      Token l = left.get(i);
      Token r = right.get(i);
      if (l.kind() != r.kind()) {
        return byWhatComesNext(l, r);
      }
      if (l.kind().ends()) {
        return 0;
      }
      if (l.value() != r.value()) {
        return Long.compare(l.value(), r.value());
      }
    }
  }

  /**
   * Between versions equal up to here: a pre-release suffix is less, else what ends sooner (in kind
   * order) is less.
   */
  private static int byWhatComesNext(Token l, Token r) {
    if (l.kind() == Kind.SUFFIX && l.value() < 0) {
      return -1;
    }
    if (r.kind() == Kind.SUFFIX && r.value() < 0) {
      return 1;
    }
    return Integer.compare(r.kind().ordinal(), l.kind().ordinal());
  }

  /** The version's tokens, ending with an {@link Kind#END} or {@link Kind#INVALID} token. */
  private static List<Token> tokens(String version) {
    List<Token> tokens = new ArrayList<>();
    Kind kind = Kind.NUMBER;
    int pos = 0;
    while (true) {
      if (pos >= version.length()) {
        // Nothing after a separator (or an empty version) reads as a zero of the kind the separator
        // started.
        tokens.add(new Token(kind, 0));
        tokens.add(new Token(Kind.END, 0));
        return tokens;
      }
      int start = pos;
      boolean leadingZeros = kind == Kind.DOTTED_NUMBER && version.charAt(pos) == '0';
      if (leadingZeros) {
        // All but the last leading zero of a dotted component count as minus their number; the last
        // zero and the
        // digits after it are a number.
        while (pos + 1 < version.length() && version.charAt(pos + 1) == '0') {
          pos++;
        }
        tokens.add(new Token(kind, start - pos));
      } else if (kind == Kind.LETTER) {
        tokens.add(new Token(kind, version.charAt(pos++)));
      } else if (kind == Kind.SUFFIX) {
        int value = suffixValue(version, pos);
        if (value == Integer.MIN_VALUE) {
          // An unknown suffix sorts as a pre-release one, and nothing after it counts.
          tokens.add(new Token(kind, -1));
          tokens.add(new Token(Kind.INVALID, 0));
          return tokens;
        }
        pos += suffixLength(value);
        tokens.add(new Token(kind, value));
      } else {
        while (pos < version.length() && isDigit(version.charAt(pos))) {
          pos++;
        }
        if (pos - start >= MAX_DIGITS) {
          // A number this long is not one to apk-tools: it ends the version as an unknown suffix
          // does.
          tokens.add(new Token(kind, -1));
          tokens.add(new Token(Kind.INVALID, 0));
          return tokens;
        }
        tokens.add(
            new Token(kind, pos == start ? 0 : Long.parseLong(version.substring(start, pos))));
      }
      if (pos >= version.length()) {
        tokens.add(new Token(Kind.END, 0));
        return tokens;
      }
      if (leadingZeros) {
        kind = Kind.NUMBER;
        continue;
      }
      Kind next = nextKind(kind, version, pos);
      if (next == Kind.INVALID || (next.ordinal() < kind.ordinal() && !mayFollow(next, kind))) {
        tokens.add(new Token(Kind.INVALID, 0));
        return tokens;
      }
      pos += separatorLength(next);
      kind = next;
    }
  }

  /** What the character at {@code pos} starts, after a token of {@code previous}. */
  private static Kind nextKind(Kind previous, String version, int pos) {
    char c = version.charAt(pos);
    if ((previous == Kind.NUMBER || previous == Kind.DOTTED_NUMBER) && c >= 'a' && c <= 'z') {
      return Kind.LETTER;
    }
    if (previous == Kind.LETTER && isDigit(c)) {
      return Kind.NUMBER;
    }
    if (previous == Kind.SUFFIX && isDigit(c)) {
      return Kind.SUFFIX_NUMBER;
    }
    if (c == '.') {
      return Kind.DOTTED_NUMBER;
    }
    if (c == '_') {
      return Kind.SUFFIX;
    }
    if (c == '-' && pos + 1 < version.length() && version.charAt(pos + 1) == 'r') {
      return Kind.REVISION;
    }
    return Kind.INVALID;
  }

  /**
   * How many characters separate a token of kind {@code next} from the one before: none for a
   * letter or number.
   */
  private static int separatorLength(Kind next) {
    return switch (next) {
      case DOTTED_NUMBER, SUFFIX -> 1;
      case REVISION -> 2;
      default -> 0;
    };
  }

  /**
   * The kinds that may come after a later kind: a dotted number after a number, a suffix after a
   * suffix number.
   */
  private static boolean mayFollow(Kind next, Kind previous) {
    return next == Kind.DOTTED_NUMBER && previous == Kind.NUMBER
        || next == Kind.SUFFIX && previous == Kind.SUFFIX_NUMBER
        || next == Kind.NUMBER && previous == Kind.LETTER;
  }

  /**
   * -4 ({@code alpha}) to -1 ({@code rc}), 0 ({@code cvs}) to 4 ({@code p}); {@link
   * Integer#MIN_VALUE} if none.
   */
  private static int suffixValue(String version, int pos) {
    for (int i = 0; i < PRE_RELEASE.size(); i++) {
      if (version.startsWith(PRE_RELEASE.get(i), pos)) {
        return i - PRE_RELEASE.size();
      }
    }
    for (int i = 0; i < POST_RELEASE.size(); i++) {
      if (version.startsWith(POST_RELEASE.get(i), pos)) {
        return i;
      }
    }
    return Integer.MIN_VALUE;
  }

  private static int suffixLength(int value) {
    return (value < 0 ? PRE_RELEASE.get(value + PRE_RELEASE.size()) : POST_RELEASE.get(value))
        .length();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

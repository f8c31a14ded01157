package io.drydock.activities.replication;

import java.util.Optional;

/**
 * The one rule for text that artifact replication stores or logs from outside (an archive, a
 * request, a sled's answer): no control character (C0, DEL or C1) and no lone surrogate. PostgreSQL
 * refuses NUL in text and JDBC cannot encode a lone surrogate as UTF-8, so either would fail an
 * insert after the input was accepted; the other controls have no place in a name or version and
 * would let a value rewrite a log line. Input that breaks the rule is refused ({@link #problem});
 * text that must be recorded anyway, as a sled's error message is, is made {@link #printable}.
 */
final class StoredText {
  private StoredText() {}

  /** What is wrong with the text, naming the field; empty when it may be stored. */
  static Optional<String> problem(String field, String text) {
    int bad = firstUnacceptable(text);
    if (bad < 0) {
      return Optional.empty();
    }
    String what =
        Character.isSurrogate(text.charAt(bad)) ? "an unpaired surrogate" : "a control character";
    return Optional.of(
        field + " holds " + what + " (" + escape(text.charAt(bad)) + ") at index " + bad);
  }

  /**
   * The text with each character {@link #problem} refuses written as {@code \}{@code uXXXX}; null
   * stays null.
   */
  static String printable(String text) {
    if (text == null || firstUnacceptable(text) < 0) {
      return text;
    }
    StringBuilder printable = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (pairedSurrogateAt(text, i)) {
        printable.append(c).append(text.charAt(++i));
      } else if (unacceptable(c)) {
        printable.append(escape(c));
      } else {
        printable.append(c);
      }
    }
    return printable.toString();
  }

  /** The index of the first character {@link #problem} refuses, or -1. */
  private static int firstUnacceptable(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (pairedSurrogateAt(text, i)) {
        i++;
      } else if (unacceptable(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean pairedSurrogateAt(String text, int i) {
    return Character.isHighSurrogate(text.charAt(i))
        && i + 1 < text.length()
        && Character.isLowSurrogate(text.charAt(i + 1));
  }

  /**
   * A control character, or a surrogate that is not half of a pair (the caller has skipped pairs).
   */
  private static boolean unacceptable(char c) {
    return Character.isISOControl(c) || Character.isSurrogate(c);
  }

  private static String escape(char c) {
    return String.format("\\u%04X", (int) c);
  }
}

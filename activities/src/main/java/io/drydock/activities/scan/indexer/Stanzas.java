package io.drydock.activities.scan.indexer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Splits the stanza files package managers keep (dpkg's deb822 status files, apk's installed
 * database) into stanzas: blocks of {@code Field: value} lines separated by blank lines. Only the
 * fields asked for are kept, so the long descriptions and file lists cost nothing; of a repeated
 * field the first value counts.
 */
final class Stanzas {
  private Stanzas() {}

  /**
   * @param wanted the field names to keep, lower-case when {@code foldCase}
   * @param foldCase whether field names are case-insensitive (dpkg) rather than exact (apk, where
   *     {@code P} is the name and {@code p} what the package provides)
   */
  static List<Map<String, String>> split(String text, Set<String> wanted, boolean foldCase) {
    List<Map<String, String>> stanzas = new ArrayList<>();
    Map<String, String> current = new HashMap<>();
    // The field a continuation line extends; null when the previous line was not a kept field.
    String continued = null;
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      String line =
          text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
      start = end + 1;
      if (line.isBlank()) {
        // deb822 also accepts lines of spaces and tabs as stanza separators.
        if (!current.isEmpty()) {
          stanzas.add(current);
          current = new HashMap<>();
        }
        continued = null;
      } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        // A continuation line folds into the field above it (deb822); apk never writes one.
        if (continued != null) {
          String before = current.get(continued);
          current.put(continued, before.isEmpty() ? line.strip() : before + " " + line.strip());
        }
      } else {
        int colon = line.indexOf(':');
        String name = colon > 0 ? line.substring(0, colon) : null;
        if (name != null && foldCase) {
          name = name.toLowerCase(Locale.ROOT);
        }
        continued = null;
        if (name != null && wanted.contains(name) && !current.containsKey(name)) {
          current.put(name, line.substring(colon + 1).strip());
          continued = name;
        }
      }
    }
    if (!current.isEmpty()) {
      stanzas.add(current);
    }
    return stanzas;
  }
}

package io.drydock.activities.scan.indexer;

import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an os-release file (os-release(5)): {@code NAME=value} lines in shell syntax. Values may be
 * unquoted, in single quotes (taken literally) or in double quotes (where a backslash escapes
 * {@code "}, {@code \}, {@code $} and {@code `}), and quoted parts may run together as in the
 * shell; blank lines and {@code #} comments are skipped, as are lines that do not assign a
 * variable. A later assignment of the same variable wins, as when the shell sources the file.
 */
final class OsReleaseFile {
  private OsReleaseFile() {}

  static Map<String, String> parse(String text) {
    Map<String, String> fields = new TreeMap<>();
    for (String rawLine : text.split("\r?\n")) {
      String line = rawLine.strip();
      int equals = line.indexOf('=');
      if (line.isEmpty()
          || line.startsWith("#")
          || equals <= 0
          || !isVariableName(line.substring(0, equals))) {
        continue;
      }
      fields.put(line.substring(0, equals), value(line, equals + 1));
    }
    return fields;
  }

  private static boolean isVariableName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      if (!letter && (i == 0 || c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The shell word starting at {@code from}: it ends at unquoted white space, after which only a
   * comment may follow.
   */
  private static String value(String line, int from) {
    StringBuilder value = new StringBuilder();
    int i = from;
    while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
      char c = line.charAt(i++);
      if (c == '\'') {
        int close = line.indexOf('\'', i);
        int end = close < 0 ? line.length() : close;
        value.append(line, i, end);
        i = end + 1;
      } else if (c == '"') {
        while (i < line.length() && line.charAt(i) != '"') {
          char d = line.charAt(i++);
          if (d == '\\' && i < line.length() && "\"\\$`".indexOf(line.charAt(i)) >= 0) {
            d = line.charAt(i++);
          }
          value.append(d);
        }
        i++;
      } else if (c == '\\' && i < line.length()) {
        value.append(line.charAt(i++));
      } else {
        value.append(c);
      }
    }
    return value.toString();
  }
}

package io.drydock.activities.replication;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which zip entry names and TUF target names are safe to treat as relative paths: 1 to {@value
 * #MAX_NAME_LENGTH} characters, not absolute (nor a drive letter), no backslash, no empty, {@code
 * .} or {@code ..} segment, and text {@link StoredText} accepts.
 */
final class ArchivePaths {
  static final int MAX_NAME_LENGTH = 1024;
  static final String TARGETS_DIRECTORY = "targets/";
  private static final Pattern DRIVE_LETTER = Pattern.compile("[A-Za-z]:.*");

  private ArchivePaths() {}

  /** What makes a zip entry name unsafe to treat as a relative path, or null. */
  static String entryNameProblem(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return "names are 1 to " + MAX_NAME_LENGTH + " characters";
    }
    return pathProblem(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
  }

  /** What makes a TUF target name unsafe as a file path under targets/, or null. */
  static String targetNameProblem(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH - TARGETS_DIRECTORY.length()) {
      return "names are 1 to " + (MAX_NAME_LENGTH - TARGETS_DIRECTORY.length()) + " characters";
    }
    return pathProblem(name);
  }

  private static String pathProblem(String path) {
    if (path.startsWith("/") || DRIVE_LETTER.matcher(path).matches()) {
      return "absolute path";
    }
    if (path.indexOf('\\') >= 0) {
      return "backslash";
    }
    Optional<String> textProblem = StoredText.problem("the name", path);
    if (textProblem.isPresent()) {
      return textProblem.get();
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "empty, '.' or '..' path segment";
      }
    }
    return null;
  }
}

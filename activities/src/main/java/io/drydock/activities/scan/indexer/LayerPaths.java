package io.drydock.activities.scan.indexer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths inside an image, as the scan records them: relative to the root, no {@code ./}, no leading
 * {@code /}.
 */
final class LayerPaths {
  private LayerPaths() {}

  /**
   * Cleans a tar entry name or link target: {@code ./etc/os-release}, {@code /etc//os-release} and
   * {@code etc/./os-release} are all {@code etc/os-release}; {@code ..} cannot climb above the
   * root, as in a container.
   */
  static String normalize(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        parts.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /** The directory holding {@code path}; empty for a path at the root. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String child(String directory, String name) {
    return directory.isEmpty() ? name : directory + "/" + name;
  }

  /**
   * Whether {@code path} is {@code ancestor} or lies below it; the root (empty) is everyone's
   * ancestor.
   */
  static boolean isAtOrBelow(String path, String ancestor) {
    return ancestor.isEmpty()
        || path.equals(ancestor)
        || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
  }
}

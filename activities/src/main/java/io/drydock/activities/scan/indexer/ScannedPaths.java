package io.drydock.activities.scan.indexer;

import java.util.List;

/** The files the scanners read, by their root-relative path. */
enum ScannedPaths {
  DPKG_STATUS,
  /**
   * Distroless images' {@code var/lib/dpkg/status.d/<package>} files (not their {@code .md5sums}).
   */
  DPKG_DISTROLESS,
  APK_INSTALLED,
  OS_RELEASE;

  static final String ETC_OS_RELEASE = "etc/os-release";
  static final String USR_LIB_OS_RELEASE = "usr/lib/os-release";
  private static final String DPKG_STATUS_PATH = "var/lib/dpkg/status";
  private static final String DPKG_STATUS_D = "var/lib/dpkg/status.d";
  private static final String APK_INSTALLED_PATH = "lib/apk/db/installed";
  private static final List<String> FIXED_PATHS =
      List.of(
          DPKG_STATUS_PATH, DPKG_STATUS_D, APK_INSTALLED_PATH, ETC_OS_RELEASE, USR_LIB_OS_RELEASE);

  /** What {@code path} is to the scanners, or null when they do not read it. */
  static ScannedPaths of(String path) {
    return switch (path) {
      case DPKG_STATUS_PATH -> DPKG_STATUS;
      case APK_INSTALLED_PATH -> APK_INSTALLED;
      case ETC_OS_RELEASE, USR_LIB_OS_RELEASE -> OS_RELEASE;
      default ->
          LayerPaths.parent(path).equals(DPKG_STATUS_D) && !path.endsWith(".md5sums")
              ? DPKG_DISTROLESS
              : null;
    };
  }

  /**
   * Whether deleting {@code path}, or hiding what lies below it, can hide a file the scanners read:
   * whether it is such a file or one of their directories. Other whiteouts, often thousands in a
   * layer that cleans up after a build, need not be kept.
   */
  static boolean canHideAScannedFile(String path) {
    return of(path) != null
        || FIXED_PATHS.stream().anyMatch(scanned -> LayerPaths.isAtOrBelow(scanned, path));
  }
}

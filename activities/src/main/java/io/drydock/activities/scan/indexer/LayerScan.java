package io.drydock.activities.scan.indexer;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one layer contributes to an image's index: the package databases and os-release files it
 * holds, and what it hides of the layers below it. Plain data, so that it can be cached as JSON per
 * layer digest; a cache entry is valid only for the {@link ScannerSet#indexState()} that produced
 * it. Paths are relative to the image root, without a leading {@code /} or {@code ./}, and every
 * list is sorted, so equal layers give equal scans.
 *
 * @param packageDatabases dpkg {@code var/lib/dpkg/status}, distroless {@code
 *     var/lib/dpkg/status.d/*} and apk {@code lib/apk/db/installed} files of this layer
 * @param osReleases {@code etc/os-release} and {@code usr/lib/os-release} entries of this layer
 * @param whiteouts paths this layer deletes from the layers below ({@code .wh.<name>} entries),
 *     with everything below them; only those that can hide a scanned file: the scanned files and
 *     their directories
 * @param opaqueDirectories directories whose contents from the layers below this layer hides
 *     ({@code .wh..wh..opq}), again only those that can hold a scanned file
 */
public record LayerScan(
    List<PackageDatabase> packageDatabases,
    List<OsRelease> osReleases,
    List<String> whiteouts,
    List<String> opaqueDirectories) {

  public LayerScan {
    packageDatabases =
        packageDatabases.stream().sorted(Comparator.comparing(PackageDatabase::path)).toList();
    osReleases = osReleases.stream().sorted(Comparator.comparing(OsRelease::path)).toList();
    whiteouts = whiteouts.stream().sorted().distinct().toList();
    opaqueDirectories = opaqueDirectories.stream().sorted().distinct().toList();
  }

  /**
   * A package database file, with the packages it lists as installed in file order. An entry that
   * is not a regular file (a symbolic link, say) still replaces the lower layers' file at its path,
   * but lists nothing itself.
   */
  public record PackageDatabase(String path, List<InstalledPackage> packages) {
    public PackageDatabase {
      Objects.requireNonNull(path, "path");
      packages = List.copyOf(packages);
    }
  }

  /**
   * One package a database lists as installed.
   *
   * @param arch empty when the database records none
   * @param sourceName the source package it was built from (dpkg {@code Source:}, apk {@code o:}),
   *     its own name when the database names none
   * @param sourceVersion the source package's version
   */
  public record InstalledPackage(
      String name, String version, String arch, String sourceName, String sourceVersion) {
    public InstalledPackage {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(arch, "arch");
      Objects.requireNonNull(sourceName, "sourceName");
      Objects.requireNonNull(sourceVersion, "sourceVersion");
    }
  }

  /**
   * An os-release entry: either a regular file with its variables, or a link whose target the
   * coalescer follows (on most distributions {@code etc/os-release} links to {@code
   * usr/lib/os-release}).
   *
   * @param linkTarget for a link, its target resolved to a root-relative path; null for a regular
   *     file
   * @param fields the file's variables with quoting removed, sorted by name; empty for a link
   */
  public record OsRelease(String path, String linkTarget, Map<String, String> fields) {
    public OsRelease {
      Objects.requireNonNull(path, "path");
      fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }
  }
}

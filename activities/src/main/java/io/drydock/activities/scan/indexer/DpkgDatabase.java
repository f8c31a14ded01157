package io.drydock.activities.scan.indexer;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads dpkg's databases: the {@code var/lib/dpkg/status} file and distroless {@code status.d}
 * files.
 */
final class DpkgDatabase {
  private static final Set<String> FIELDS =
      Set.of("package", "version", "architecture", "source", "status");

  private DpkgDatabase() {}

  /**
   * The packages of a status file that are installed: those whose {@code Status:} has {@code
   * installed} as its third word, the same test as dpkg-query's {@code ${db:Status-Status}}.
   * Removed packages that left their configuration behind ({@code deinstall ok config-files}),
   * half-installed ones and the like are left out.
   */
  static List<InstalledPackage> statusFile(String text) {
    return packages(text, true);
  }

  /**
   * The packages of a distroless {@code status.d} file. Distroless images write one such file per
   * package and only for installed ones, usually without a {@code Status:} field, so every stanza
   * counts.
   */
  static List<InstalledPackage> distrolessFile(String text) {
    return packages(text, false);
  }

  private static List<InstalledPackage> packages(String text, boolean checkStatus) {
    List<InstalledPackage> packages = new ArrayList<>();
    for (Map<String, String> stanza : Stanzas.split(text, FIELDS, true)) {
      String name = stanza.getOrDefault("package", "");
      String version = stanza.getOrDefault("version", "");
      if (name.isEmpty()
          || version.isEmpty()
          || (checkStatus && !installed(stanza.get("status")))) {
        continue;
      }
      String arch = stanza.getOrDefault("architecture", "");
      String source = stanza.getOrDefault("source", "");
      // As claircore's dpkg scanner (quay/claircore dpkg/scanner.go): no Source: means the source
      // package has the
      // binary's name and version; "Source: glibc (2.36-9)" names a version differing from the
      // binary's.
      if (source.isEmpty()) {
        packages.add(new InstalledPackage(name, version, arch, name, version));
        continue;
      }
      int paren = source.indexOf('(');
      if (paren > 0 && source.endsWith(")")) {
        packages.add(
            new InstalledPackage(
                name,
                version,
                arch,
                source.substring(0, paren).strip(),
                source.substring(paren + 1, source.length() - 1).strip()));
      } else {
        packages.add(new InstalledPackage(name, version, arch, source, version));
      }
    }
    return packages;
  }

  private static boolean installed(String status) {
    if (status == null) {
      return false;
    }
    String[] words = status.strip().split("\\s+");
    return words.length == 3 && words[2].equals("installed");
  }
}

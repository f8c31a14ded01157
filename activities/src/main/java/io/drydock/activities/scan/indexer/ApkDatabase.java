package io.drydock.activities.scan.indexer;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads apk's {@code lib/apk/db/installed}: one stanza per installed package, one-letter keys
 * ({@code P} name, {@code V} version, {@code A} architecture, {@code o} origin, the source package
 * it was built from).
 */
final class ApkDatabase {
  private static final Set<String> FIELDS = Set.of("P", "V", "A", "o");

  private ApkDatabase() {}

  static List<InstalledPackage> installedFile(String text) {
    List<InstalledPackage> packages = new ArrayList<>();
    for (Map<String, String> stanza : Stanzas.split(text, FIELDS, false)) {
      String name = stanza.getOrDefault("P", "");
      String version = stanza.getOrDefault("V", "");
      if (name.isEmpty() || version.isEmpty()) {
        continue;
      }
      // An origin is built at the same version as its subpackages: apk records no other. A package
      // without one is
      // its own source, as dpkg's are; claircore's apk scanner leaves it without a source
      // (docs/compatibility.md).
      String origin = stanza.getOrDefault("o", "");
      packages.add(
          new InstalledPackage(
              name,
              version,
              stanza.getOrDefault("A", ""),
              origin.isEmpty() ? name : origin,
              version));
    }
    return packages;
  }
}

package io.drydock.activities.scan.indexer;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import io.drydock.activities.scan.indexer.LayerScan.OsRelease;
import io.drydock.activities.scan.indexer.LayerScan.PackageDatabase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stacks the scans of an image's layers into what the whole image holds, as a container runtime
 * stacks the layers themselves: each layer first removes what its whiteouts and opaque directories
 * hide of the layers below, then its own files replace those at the same paths. The packages of the
 * database files left at the top are the image's packages; its os-release file is its distribution.
 *
 * <p>The output is a function of the input alone: packages are sorted by name, version,
 * architecture, database and source, ids are handed out in that order ("1", "2", ...; source
 * packages after all binary ones), so the same image always gives byte-identical report JSON.
 */
public final class Coalescer {
  private static final String DISTRIBUTION_ID = "1";

  /**
   * More links than any real os-release chain has; a loop of links ends here instead of spinning.
   */
  private static final int MAX_LINKS = 8;

  private static final Comparator<Placed> PACKAGE_ORDER =
      Comparator.comparing((Placed p) -> p.pkg().name())
          .thenComparing(p -> p.pkg().version())
          .thenComparing(p -> p.pkg().arch())
          .thenComparing(Placed::packageDb)
          .thenComparing(p -> p.pkg().sourceName())
          .thenComparing(p -> p.pkg().sourceVersion());

  private Coalescer() {}

  /** A package in the final image: its database and the layer that introduced it there. */
  private record Placed(InstalledPackage pkg, String packageDb, String introducedIn) {}

  private record SourceKey(String name, String version) {}

  /**
   * @param layersBottomUp the image's layers in manifest order, base layer first
   */
  public static IndexContents coalesce(List<ScannedLayer> layersBottomUp) {
    // For each database path still present: its packages, each with the layer it was introduced in.
    Map<String, Map<InstalledPackage, String>> databases = new HashMap<>();
    Map<String, OsRelease> osReleases = new HashMap<>();
    for (ScannedLayer layer : layersBottomUp) {
      LayerScan scan = layer.scan();
      Map<String, Map<InstalledPackage, String>> below = new HashMap<>(databases);
      hide(databases.keySet(), scan);
      hide(osReleases.keySet(), scan);
      for (PackageDatabase database : scan.packageDatabases()) {
        // A package the layer below already listed in this file keeps its layer: rewriting the file
        // to add or
        // remove other packages does not reinstall it.
        Map<InstalledPackage, String> previous = below.getOrDefault(database.path(), Map.of());
        Map<InstalledPackage, String> packages = new HashMap<>();
        for (InstalledPackage pkg : database.packages()) {
          packages.putIfAbsent(pkg, previous.getOrDefault(pkg, layer.layerDigest()));
        }
        databases.put(database.path(), packages);
      }
      for (OsRelease osRelease : scan.osReleases()) {
        osReleases.put(osRelease.path(), osRelease);
      }
    }
    return contents(databases, distribution(osReleases));
  }

  private static void hide(Set<String> paths, LayerScan scan) {
    paths.removeIf(
        path ->
            scan.whiteouts().stream().anyMatch(hidden -> LayerPaths.isAtOrBelow(path, hidden))
                || scan.opaqueDirectories().stream()
                    .anyMatch(opaque -> LayerPaths.isAtOrBelow(path, opaque)));
  }

  /**
   * etc/os-release, following links; usr/lib/os-release when that gives nothing, as os-release(5)
   * says.
   */
  private static Distribution distribution(Map<String, OsRelease> osReleases) {
    for (String path : List.of(ScannedPaths.ETC_OS_RELEASE, ScannedPaths.USR_LIB_OS_RELEASE)) {
      OsRelease file = osReleases.get(path);
      for (int links = 0; file != null && file.linkTarget() != null && links < MAX_LINKS; links++) {
        file = osReleases.get(file.linkTarget());
      }
      if (file != null && file.linkTarget() == null && !file.fields().isEmpty()) {
        Map<String, String> fields = file.fields();
        return new Distribution(
            DISTRIBUTION_ID,
            fields.getOrDefault("ID", ""),
            fields.getOrDefault("NAME", ""),
            fields.getOrDefault("VERSION", ""),
            fields.getOrDefault("VERSION_CODENAME", ""),
            fields.getOrDefault("VERSION_ID", ""),
            "",
            Cpe.formattedString(fields.getOrDefault("CPE_NAME", "")),
            fields.getOrDefault("PRETTY_NAME", ""));
      }
    }
    return null;
  }

  private static IndexContents contents(
      Map<String, Map<InstalledPackage, String>> databases, Distribution distribution) {
    List<Placed> placed = new ArrayList<>();
    databases.forEach(
        (packageDb, packages) ->
            packages.forEach((pkg, layer) -> placed.add(new Placed(pkg, packageDb, layer))));
    placed.sort(PACKAGE_ORDER);

    Map<SourceKey, String> sourceIds =
        new TreeMap<>(Comparator.comparing(SourceKey::name).thenComparing(SourceKey::version));
    for (Placed p : placed) {
      sourceIds.put(new SourceKey(p.pkg().sourceName(), p.pkg().sourceVersion()), "");
    }
    int nextSourceId = placed.size() + 1;
    for (Map.Entry<SourceKey, String> source : sourceIds.entrySet()) {
      source.setValue(Integer.toString(nextSourceId++));
    }

    String distributionId = distribution == null ? "" : distribution.id();
    Map<String, Package> packages = new LinkedHashMap<>();
    Map<String, List<Environment>> environments = new LinkedHashMap<>();
    for (Placed p : placed) {
      String id = Integer.toString(packages.size() + 1);
      InstalledPackage pkg = p.pkg();
      SourceKey key = new SourceKey(pkg.sourceName(), pkg.sourceVersion());
      Package source = Package.source(sourceIds.get(key), key.name(), key.version());
      String detector = ScannerSet.packageScanner(p.packageDb()).urn();
      packages.put(id, Package.binary(id, pkg.name(), pkg.version(), source, pkg.arch(), detector));
      environments.put(
          id, List.of(new Environment(p.packageDb(), p.introducedIn(), distributionId, List.of())));
    }
    Map<String, Distribution> distributions =
        distribution == null ? Map.of() : Map.of(distribution.id(), distribution);
    return new IndexContents(packages, distributions, Map.of(), environments);
  }
}

package io.drydock.activities.scan;

import io.drydock.activities.scan.indexer.Cpe;
import io.drydock.activities.scan.indexer.Distribution;
import io.drydock.activities.scan.indexer.ScannerSet;
import java.util.Comparator;
import java.util.Objects;

/**
 * What Clair's affected_manifest needs of a claircore {@code Vulnerability}: a manifest is affected
 * when one of its packages has the vulnerability's package name (and kind, when the vulnerability
 * gives one), was found in a distribution that has every distribution field the vulnerability sets,
 * and has a version below {@code fixedInVersion}, in dpkg's order for packages of a dpkg database
 * and apk's for those of apk's; any version when {@code fixedInVersion} is empty.
 *
 * @param id the vulnerability's id, what the answer lists for each affected manifest
 * @param packageKind {@code binary}, {@code source}, or empty for either
 * @param distribution the vulnerability's distribution fields, empty strings for those it does not
 *     set; its id is not compared. A CPE is compared bound as a formatted string, as claircore
 *     compares unbound names.
 */
public record VulnerablePackage(
    String id,
    String packageName,
    String packageKind,
    Distribution distribution,
    String fixedInVersion) {

  public VulnerablePackage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(packageKind, "packageKind");
    Objects.requireNonNull(fixedInVersion, "fixedInVersion");
    String cpe = distribution.cpe();
    if (!cpe.isEmpty()) {
      String bound = Cpe.formattedString(cpe);
      if (bound.isEmpty()) {
        throw new IllegalArgumentException(
            "distribution cpe '" + cpe + "' is not a well-formed CPE name");
      }
      distribution =
          new Distribution(
              distribution.id(),
              distribution.did(),
              distribution.name(),
              distribution.version(),
              distribution.versionCodeName(),
              distribution.versionId(),
              distribution.arch(),
              bound,
              distribution.prettyName());
    }
  }

  /** One package of a stored report, in the environment it was found in. */
  record StoredPackage(
      String manifestDigest,
      String kind,
      String name,
      String version,
      String packageDb,
      Distribution distribution) {}

  boolean affects(StoredPackage stored) {
    return stored.name().equals(packageName)
        && (packageKind.isEmpty() || packageKind.equals(stored.kind()))
        && distributionMatches(stored.distribution())
        && (fixedInVersion.isEmpty()
            || versionOrder(stored.packageDb()).compare(stored.version(), fixedInVersion) < 0);
  }

  private boolean distributionMatches(Distribution found) {
    return matches(distribution.did(), found.did())
        && matches(distribution.name(), found.name())
        && matches(distribution.version(), found.version())
        && matches(distribution.versionCodeName(), found.versionCodeName())
        && matches(distribution.versionId(), found.versionId())
        && matches(distribution.arch(), found.arch())
        && matches(distribution.cpe(), found.cpe())
        && matches(distribution.prettyName(), found.prettyName());
  }

  private static boolean matches(String wanted, String found) {
    return wanted.isEmpty() || wanted.equals(found);
  }

  private static Comparator<String> versionOrder(String packageDb) {
    return ScannerSet.packageScanner(packageDb).equals(ScannerSet.APK)
        ? ApkVersion::compare
        : DpkgVersion::compare;
  }
}

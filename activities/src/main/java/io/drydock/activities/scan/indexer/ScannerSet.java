package io.drydock.activities.scan.indexer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The versioned scanners {@link LayerScanner} runs, and the index state they add up to, as Clair's
 * {@code GET /indexer/api/v1/index_state} reports it.
 *
 * <p>A report or a cached {@link LayerScan} is only as good as the scanners that produced it.
 * Whenever a scanner's output changes (a parser fix, a new field, a new file it reads), bump that
 * scanner's version here: the index state changes with it, every stored report then belongs to an
 * older state, and that difference is what triggers the bulk rescan of all manifests. Forgetting
 * the bump leaves stale reports in place forever.
 */
public final class ScannerSet {
  /** One scanner: {@code kind} is {@value #PACKAGE} or {@value #DISTRIBUTION}, as in Clair. */
  public record Scanner(String name, String version, String kind) {
    public static final String PACKAGE = "package";
    public static final String DISTRIBUTION = "distribution";

    public Scanner {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      if (!PACKAGE.equals(kind) && !DISTRIBUTION.equals(kind)) {
        throw new IllegalArgumentException(
            "scanner kind must be package or distribution, not '" + kind + "'");
      }
    }

    /**
     * The scanner as claircore binds a package's {@code detector} ({@code detector.go}'s
     * MarshalText).
     */
    public String urn() {
      return "urn:claircore:detector:" + name + ":" + version + ":" + kind;
    }
  }

  private static final Comparator<Scanner> ORDER =
      Comparator.comparing(Scanner::name)
          .thenComparing(Scanner::version)
          .thenComparing(Scanner::kind);

  /**
   * var/lib/dpkg/status and the distroless var/lib/dpkg/status.d/* files. Version 2: every package
   * has a source package, and reports have claircore's package fields.
   */
  public static final Scanner DPKG = new Scanner("dpkg", "2", Scanner.PACKAGE);

  /** lib/apk/db/installed. Version 2: as dpkg's. */
  public static final Scanner APK = new Scanner("apk", "2", Scanner.PACKAGE);

  /**
   * etc/os-release, else usr/lib/os-release. Version 2: the CPE is bound as claircore binds it, or
   * empty.
   */
  static final Scanner OS_RELEASE = new Scanner("os-release", "2", Scanner.DISTRIBUTION);

  private static final ScannerSet CURRENT = new ScannerSet(List.of(DPKG, APK, OS_RELEASE));

  private final List<Scanner> scanners;
  private final String indexState;

  ScannerSet(List<Scanner> scanners) {
    this.scanners = scanners.stream().sorted(ORDER).toList();
    this.indexState = hash(this.scanners);
  }

  /**
   * The package scanner that reads the package database at {@code packageDb}, a path an environment
   * names.
   */
  public static Scanner packageScanner(String packageDb) {
    return ScannedPaths.of(packageDb) == ScannedPaths.APK_INSTALLED ? APK : DPKG;
  }

  public static ScannerSet current() {
    return CURRENT;
  }

  /** The scanners, sorted by name, version and kind. */
  public List<Scanner> scanners() {
    return scanners;
  }

  /**
   * Hex SHA-256 over the sorted (name, version, kind) triples. Equal sets give equal states
   * whatever order they were listed in; each field is length-prefixed so that no two different sets
   * can run together into the same bytes.
   */
  public String indexState() {
    return indexState;
  }

  private static String hash(List<Scanner> scanners) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
    for (Scanner scanner : scanners) {
      for (String field : List.of(scanner.name(), scanner.version(), scanner.kind())) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        sha256.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha256.update(bytes);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  @Override
  public String toString() {
    return "ScannerSet" + scanners + " state " + indexState;
  }
}

package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoalescerTest {
  private static final String STATUS = "var/lib/dpkg/status";
  private static final String DEBIAN_OS_RELEASE =
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
          + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\n"
          + "ID=debian\n";
  private static final Distribution DEBIAN =
      new Distribution(
          "1",
          "debian",
          "Debian GNU/Linux",
          "12 (bookworm)",
          "bookworm",
          "12",
          "",
          "",
          "Debian GNU/Linux 12 (bookworm)");

  @Test
  void debianImageGivesClairsShapeWithSourcesAndDistribution() {
    ScannedLayer base =
        TestLayer.builder()
            .file("usr/lib/os-release", DEBIAN_OS_RELEASE)
            .symlink("etc/os-release", "../usr/lib/os-release")
            .file(
                STATUS,
                stanza("libc6", "2.36-9+deb12u10", "amd64", "glibc")
                    + stanza("bash", "5.2.15-2+b7", "amd64", "bash (5.2.15-2)")
                    + stanza("tzdata", "2025b-0+deb12u1", "all", null))
            .scanned(1);

    IndexContents contents = Coalescer.coalesce(List.of(base));

    Package bashSource = Package.source("4", "bash", "5.2.15-2");
    Package glibc = Package.source("5", "glibc", "2.36-9+deb12u10");
    // No Source: field: the package is its own source, as claircore's dpkg scanner has it.
    Package tzdataSource = Package.source("6", "tzdata", "2025b-0+deb12u1");
    String dpkg = "urn:claircore:detector:dpkg:2:package";
    assertThat(contents.packages())
        .containsExactly(
            Map.entry("1", Package.binary("1", "bash", "5.2.15-2+b7", bashSource, "amd64", dpkg)),
            Map.entry("2", Package.binary("2", "libc6", "2.36-9+deb12u10", glibc, "amd64", dpkg)),
            Map.entry(
                "3", Package.binary("3", "tzdata", "2025b-0+deb12u1", tzdataSource, "all", dpkg)));
    assertThat(contents.distributions()).containsExactly(Map.entry("1", DEBIAN));
    assertThat(contents.repository()).isEmpty();
    Environment inBase = new Environment(STATUS, TestLayer.digest(1), "1", List.of());
    assertThat(contents.environments())
        .containsExactly(
            Map.entry("1", List.of(inBase)),
            Map.entry("2", List.of(inBase)),
            Map.entry("3", List.of(inBase)));
  }

  @Test
  void whiteoutOfTheStatusFileRemovesItsPackages() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                debianBase(),
                TestLayer.builder().whiteout(STATUS).file("usr/bin/app", "binary").scanned(2)));

    assertThat(contents.packages()).isEmpty();
    assertThat(contents.environments()).isEmpty();
    assertThat(contents.distributions()).containsExactly(Map.entry("1", DEBIAN));
  }

  @Test
  void whiteoutOfAnAncestorDirectoryRemovesThePackagesToo() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(debianBase(), TestLayer.builder().whiteout("var/lib").scanned(2)));

    assertThat(contents.packages()).isEmpty();
  }

  @Test
  void opaqueDpkgDirectoryHidesTheLowerStatusButNotItsOwn() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                debianBase(),
                TestLayer.builder()
                    .opaque("var/lib/dpkg")
                    .file(
                        STATUS,
                        stanza("libc6", "2.36-9+deb12u10", "amd64", "glibc")
                            + stanza("curl", "7.88.1-10", "amd64", null))
                    .scanned(2)));

    assertThat(names(contents))
        .containsExactly("curl 7.88.1-10 layer 2", "libc6 2.36-9+deb12u10 layer 1");
  }

  @Test
  void upperStatusWithFewerPackagesReplacesTheLowerOne() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                debianBase(),
                TestLayer.builder()
                    .file(STATUS, stanza("libc6", "2.36-9+deb12u10", "amd64", "glibc"))
                    .scanned(2)));

    // libc6 was installed by the base layer: rewriting the status file to drop the others does not
    // reinstall it.
    assertThat(names(contents)).containsExactly("libc6 2.36-9+deb12u10 layer 1");
  }

  @Test
  void upgradedOrReinstalledPackagesAreIntroducedWhereTheyReappear() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                debianBase(),
                TestLayer.builder()
                    .file(
                        STATUS,
                        stanza("libc6", "2.36-9+deb12u11", "amd64", null)
                            + stanza("tzdata", "2025b-0+deb12u1", "all", null))
                    .scanned(2),
                TestLayer.builder()
                    .file(STATUS, stanza("libc6", "2.36-9+deb12u11", "amd64", null))
                    .scanned(3),
                TestLayer.builder()
                    .file(
                        STATUS,
                        stanza("libc6", "2.36-9+deb12u11", "amd64", null)
                            + stanza("tzdata", "2025b-0+deb12u1", "all", null))
                    .scanned(4)));

    assertThat(names(contents))
        .containsExactly("libc6 2.36-9+deb12u11 layer 2", "tzdata 2025b-0+deb12u1 layer 4");
  }

  @Test
  void distrolessStatusFilesAddUpAcrossLayersAndCanBeWhitedOutOneByOne() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                TestLayer.builder()
                    .file(
                        "var/lib/dpkg/status.d/base-files",
                        stanza("base-files", "12.4+deb12u11", "amd64", null))
                    .file("var/lib/dpkg/status.d/netbase", stanza("netbase", "6.4", "all", null))
                    .file("etc/os-release", DEBIAN_OS_RELEASE)
                    .scanned(1),
                TestLayer.builder()
                    .file(
                        "var/lib/dpkg/status.d/libc6",
                        stanza("libc6", "2.36-9+deb12u10", "amd64", "glibc"))
                    .whiteout("var/lib/dpkg/status.d/netbase")
                    .scanned(2)));

    assertThat(names(contents))
        .containsExactly("base-files 12.4+deb12u11 layer 1", "libc6 2.36-9+deb12u10 layer 2");
    assertThat(contents.environments().get("2").get(0).packageDb())
        .isEqualTo("var/lib/dpkg/status.d/libc6");
    assertThat(contents.packages().get("2").source().name()).isEqualTo("glibc");
    assertThat(contents.distributions()).containsExactly(Map.entry("1", DEBIAN));
  }

  @Test
  void alpineImageHasApkPackagesWithOriginsAndItsDistribution() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                TestLayer.builder()
                    .resourceFile("lib/apk/db/installed", "alpine-apk-installed")
                    .resourceFile("usr/lib/os-release", "alpine-os-release")
                    .symlink("etc/os-release", "../usr/lib/os-release")
                    .scanned(1),
                TestLayer.builder().file("app/main", "#!/bin/sh\n").scanned(2)));

    assertThat(contents.packages()).hasSize(13);
    assertThat(contents.packages().values())
        .allSatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo(Package.BINARY);
              assertThat(p.arch()).isEqualTo("x86_64");
              assertThat(p.detector()).isEqualTo("urn:claircore:detector:apk:2:package");
            });
    assertThat(contents.packages().values())
        .filteredOn(p -> p.name().equals("libssl3"))
        .singleElement()
        .extracting(p -> p.source().name() + " " + p.source().version())
        .isEqualTo("openssl 3.3.1-r3");
    assertThat(contents.distributions())
        .containsExactly(
            Map.entry(
                "1",
                new Distribution(
                    "1",
                    "alpine",
                    "Alpine Linux",
                    "",
                    "",
                    "3.20.3",
                    "",
                    "",
                    "Alpine Linux v3.20")));
    assertThat(contents.environments().values())
        .allSatisfy(
            environments ->
                assertThat(environments)
                    .containsExactly(
                        new Environment(
                            "lib/apk/db/installed", TestLayer.digest(1), "1", List.of())));
  }

  @Test
  void osReleaseFollowsTheUpperLayersAndTheEtcLink() {
    ScannedLayer base = debianBase();
    String trixie = "ID=debian\nVERSION_ID=\"13\"\nVERSION_CODENAME=trixie\n";

    assertThat(
            Coalescer.coalesce(
                    List.of(
                        base, TestLayer.builder().file("usr/lib/os-release", trixie).scanned(2)))
                .distributions()
                .get("1")
                .versionId())
        .as("the link in the lower layer reaches the upper layer's file")
        .isEqualTo("13");
    assertThat(
            Coalescer.coalesce(
                    List.of(
                        base, TestLayer.builder().file("etc/os-release", "ID=custom\n").scanned(2)))
                .distributions()
                .get("1")
                .did())
        .as("a regular etc/os-release wins over usr/lib/os-release")
        .isEqualTo("custom");
    assertThat(
            Coalescer.coalesce(
                    List.of(base, TestLayer.builder().whiteout("etc/os-release").scanned(2)))
                .distributions()
                .get("1"))
        .as("without etc/os-release, usr/lib/os-release")
        .isEqualTo(DEBIAN);
    assertThat(
            Coalescer.coalesce(
                    List.of(
                        base,
                        TestLayer.builder()
                            .whiteout("usr/lib/os-release")
                            .whiteout("etc/os-release")
                            .scanned(2)))
                .distributions())
        .as("with both gone, no distribution")
        .isEmpty();
  }

  @Test
  void packagesWithoutADistributionHaveAnEmptyDistributionId() {
    IndexContents contents =
        Coalescer.coalesce(
            List.of(
                TestLayer.builder()
                    .file(STATUS, stanza("libc6", "2.36-9+deb12u10", "amd64", null))
                    .symlink("etc/os-release", "os-release")
                    .scanned(1)));

    assertThat(contents.distributions()).isEmpty();
    assertThat(contents.environments().get("1"))
        .containsExactly(new Environment(STATUS, TestLayer.digest(1), "", List.of()));
  }

  @Test
  void sameLayersGiveByteIdenticalJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<ScannedLayer> layers =
        List.of(
            debianBase(),
            TestLayer.builder()
                .file("var/lib/dpkg/status.d/zz", stanza("zz", "1", "all", "zsrc"))
                .file("var/lib/dpkg/status.d/aa", stanza("aa", "1", "all", "asrc"))
                .scanned(2));
    String first =
        json.writeValueAsString(
            IndexReport.finished(TestLayer.digest(9), Coalescer.coalesce(layers)));

    for (int i = 0; i < 5; i++) {
      // Fresh scans of the same bytes, in fresh maps, must serialize the same way.
      List<ScannedLayer> again =
          List.of(
              debianBase(),
              TestLayer.builder()
                  .file("var/lib/dpkg/status.d/aa", stanza("aa", "1", "all", "asrc"))
                  .file("var/lib/dpkg/status.d/zz", stanza("zz", "1", "all", "zsrc"))
                  .scanned(2));
      assertThat(
              json.writeValueAsString(
                  IndexReport.finished(TestLayer.digest(9), Coalescer.coalesce(again))))
          .isEqualTo(first);
    }
  }

  @Test
  void noLayersIndexToNothing() {
    assertThat(Coalescer.coalesce(List.of())).isEqualTo(IndexContents.empty());
  }

  private static ScannedLayer debianBase() {
    return TestLayer.builder()
        .file("usr/lib/os-release", DEBIAN_OS_RELEASE)
        .symlink("etc/os-release", "../usr/lib/os-release")
        .file(
            STATUS,
            stanza("libc6", "2.36-9+deb12u10", "amd64", "glibc")
                + stanza("tzdata", "2025b-0+deb12u1", "all", null))
        .scanned(1);
  }

  /** "name version layer N" of every package, in id order. */
  private static List<String> names(IndexContents contents) {
    return contents.packages().values().stream()
        .map(
            p ->
                p.name()
                    + " "
                    + p.version()
                    + " layer "
                    + layerNumber(contents.environments().get(p.id()).get(0).introducedIn()))
        .toList();
  }

  private static int layerNumber(String digest) {
    for (int n = 1; n < 100; n++) {
      if (TestLayer.digest(n).equals(digest)) {
        return n;
      }
    }
    throw new AssertionError("not a test layer digest: " + digest);
  }

  static String stanza(String name, String version, String arch, String source) {
    return "Package: "
        + name
        + "\nStatus: install ok installed\nVersion: "
        + version
        + "\nArchitecture: "
        + arch
        + (source == null ? "" : "\nSource: " + source)
        + "\n\n";
  }
}

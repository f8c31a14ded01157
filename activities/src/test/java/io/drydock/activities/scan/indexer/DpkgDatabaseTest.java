package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgDatabaseTest {
  @Test
  void installedPackagesAreThoseDpkgQueryReportsAsInstalled(@TempDir Path admin) {
    String status = TestLayer.resource("dpkg-status-edge-cases");
    TestLayer.write(admin.resolve("status"), status);

    List<String> expected = DpkgQuery.installed(admin, "dpkg-status-edge-cases.dpkg-query");

    assertThat(DpkgQuery.lines(DpkgDatabase.statusFile(status)))
        .containsExactlyInAnyOrderElementsOf(expected);
    // The fixture's other stanzas are config-files, half-installed, unpacked and triggers-pending
    // packages.
    assertThat(expected)
        .containsExactlyInAnyOrder(
            "base-files 12.4+deb12u11 amd64 base-files 12.4+deb12u11",
            "libc6 2.36-9+deb12u10 amd64 glibc 2.36-9+deb12u10",
            "libc6 2.36-9+deb12u10 i386 glibc 2.36-9+deb12u10",
            "libssl3 3.0.15-1~deb12u1+b1 amd64 openssl 3.0.15-1~deb12u1",
            "tzdata 2025b-0+deb12u1 all tzdata 2025b-0+deb12u1");
  }

  @Test
  void sourceIsTheBinaryVersionUnlessTheSourceFieldNamesOne() {
    List<InstalledPackage> packages =
        DpkgDatabase.statusFile(TestLayer.resource("dpkg-status-edge-cases"));

    assertThat(packages)
        .contains(
            new InstalledPackage("libc6", "2.36-9+deb12u10", "amd64", "glibc", "2.36-9+deb12u10"),
            new InstalledPackage(
                "libssl3", "3.0.15-1~deb12u1+b1", "amd64", "openssl", "3.0.15-1~deb12u1"),
            // No Source: field: its own name and version, as dpkg-query's ${source:Package} says
            // and quay/claircore
            // dpkg/scanner.go (b882dc5d2b7309c53d10f1cd021bb5c9c86e4514, parseStatus) fills it.
            new InstalledPackage("tzdata", "2025b-0+deb12u1", "all", "tzdata", "2025b-0+deb12u1"));
  }

  @Test
  void continuationLinesNeverStartAStanzaOrAField() {
    // The description's indented "Package:" and "Status:" lines belong to the description.
    assertThat(DpkgDatabase.statusFile(TestLayer.resource("dpkg-status-edge-cases")))
        .extracting(InstalledPackage::name)
        .doesNotContain("not-a-package-but-a-description-line");
  }

  @Test
  void readsFilesWithoutTrailingNewlineWithCrlfAndWithBlankSeparatorsOfSpaces() {
    String text =
        "Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\nArchitecture: amd64\r\n\r\n"
            + "Package: b\nStatus: install ok installed\nVersion: 2\n \t \n"
            + "package: c\nSTATUS: install ok installed\nversion: 3\nArchitecture: arm64";

    assertThat(DpkgDatabase.statusFile(text))
        .containsExactly(
            new InstalledPackage("a", "1", "amd64", "a", "1"),
            new InstalledPackage("b", "2", "", "b", "2"),
            new InstalledPackage("c", "3", "arm64", "c", "3"));
  }

  @Test
  void statusMustSayInstalledAsItsThirdWord() {
    String text =
        stanza("installed", "install ok installed")
            + stanza("held", "hold ok installed")
            + stanza("config", "deinstall ok config-files")
            + stanza("half", "install reinstreq half-installed")
            + stanza("gone", "purge ok not-installed")
            + stanza("pending", "install ok triggers-pending")
            + stanza("short", "installed")
            + "Package: nostatus\nVersion: 1\n\n";

    assertThat(DpkgDatabase.statusFile(text))
        .extracting(InstalledPackage::name)
        .containsExactly("installed", "held");
  }

  @Test
  void skipsStanzasWithoutNameOrVersionAndEmptyFiles() {
    assertThat(DpkgDatabase.statusFile("")).isEmpty();
    assertThat(DpkgDatabase.statusFile("\n\n\n")).isEmpty();
    assertThat(
            DpkgDatabase.statusFile(
                "Package: a\nStatus: install ok installed\n\n"
                    + "Version: 1\nStatus: install ok installed\n"))
        .isEmpty();
  }

  @Test
  void foldedSourceFieldIsJoined() {
    String text =
        "Package: libfoo1\nStatus: install ok installed\nVersion: 1.2-3\nSource:\n foo\n (1.2-1)\n";

    assertThat(DpkgDatabase.statusFile(text))
        .containsExactly(new InstalledPackage("libfoo1", "1.2-3", "", "foo", "1.2-1"));
  }

  @Test
  void distrolessFilesCountEveryStanzaWithoutAStatus() {
    String text =
        "Package: libc6\nVersion: 2.36-9+deb12u10\nArchitecture: amd64\nSource: glibc\n\n"
            + "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n";

    assertThat(DpkgDatabase.distrolessFile(text))
        .containsExactly(
            new InstalledPackage("libc6", "2.36-9+deb12u10", "amd64", "glibc", "2.36-9+deb12u10"),
            new InstalledPackage(
                "libssl3", "3.0.15-1~deb12u1", "amd64", "openssl", "3.0.15-1~deb12u1"));
  }

  private static String stanza(String name, String status) {
    return "Package: " + name + "\nStatus: " + status + "\nVersion: 1\nArchitecture: all\n\n";
  }
}

package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import io.drydock.activities.scan.indexer.LayerScan.OsRelease;
import io.drydock.activities.scan.indexer.LayerScan.PackageDatabase;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class LayerScannerTest {
  private static final String STATUS =
      "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\n"
          + "Architecture: amd64\nSource: bash (5.2.15-2)\n";
  private static final InstalledPackage BASH =
      new InstalledPackage("bash", "5.2.15-2+b7", "amd64", "bash", "5.2.15-2");

  @Test
  void findsPackageDatabasesOsReleaseAndRelevantWhiteoutsUnderAnySpellingOfTheirPaths() {
    LayerScan scan =
        TestLayer.builder()
            .directory("./")
            .directory("./var/lib/dpkg")
            .file("./var/lib/dpkg/status", STATUS)
            .file("/lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n")
            .file("usr//lib/./os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .file("usr/share/doc/bash/copyright", "not scanned")
            .whiteout("./var/lib/dpkg/status.d/old")
            .opaque("./etc")
            .whiteout("./etc/apt/sources.list")
            .opaque("./opt/app")
            .file("./var/lib/dpkg/status.d/.wh..wh.plnk", "AUFS bookkeeping, not a whiteout")
            .scan();

    assertThat(scan.packageDatabases())
        .containsExactly(
            new PackageDatabase(
                "lib/apk/db/installed",
                List.of(new InstalledPackage("musl", "1.2.5-r0", "x86_64", "musl", "1.2.5-r0"))),
            new PackageDatabase("var/lib/dpkg/status", List.of(BASH)));
    assertThat(scan.osReleases())
        .containsExactly(
            new OsRelease("usr/lib/os-release", null, Map.of("ID", "debian", "VERSION_ID", "12")));
    // Whiteouts that cannot hide a scanned file are not kept: a layer may hold thousands.
    assertThat(scan.whiteouts()).containsExactly("var/lib/dpkg/status.d/old");
    assertThat(scan.opaqueDirectories()).containsExactly("etc");
  }

  @Test
  void readsEveryDistrolessStatusFileButNotItsChecksums() {
    LayerScan scan =
        TestLayer.builder()
            .file(
                "var/lib/dpkg/status.d/base-files",
                "Package: base-files\nVersion: 12.4+deb12u11\nArchitecture: amd64\n")
            .file(
                "var/lib/dpkg/status.d/libc6",
                "Package: libc6\nVersion: 2.36-9+deb12u10\nArchitecture: amd64\n"
                    + "Source: glibc\n")
            .file(
                "var/lib/dpkg/status.d/libc6.md5sums",
                "0123456789abcdef  lib/x86_64-linux-gnu/libc.so.6\n")
            .file("var/lib/dpkg/status.d/nested/ignored", "Package: nested\nVersion: 1\n")
            .scan();

    assertThat(scan.packageDatabases())
        .containsExactly(
            new PackageDatabase(
                "var/lib/dpkg/status.d/base-files",
                List.of(
                    new InstalledPackage(
                        "base-files", "12.4+deb12u11", "amd64", "base-files", "12.4+deb12u11"))),
            new PackageDatabase(
                "var/lib/dpkg/status.d/libc6",
                List.of(
                    new InstalledPackage(
                        "libc6", "2.36-9+deb12u10", "amd64", "glibc", "2.36-9+deb12u10"))));
  }

  @Test
  void linksAtScannedPathsAreRecordedAsLinks() {
    LayerScan scan =
        TestLayer.builder()
            .file("usr/lib/os-release", "ID=debian\n")
            .symlink("etc/os-release", "../usr/lib/os-release")
            .file("var/lib/dpkg/status.d/base", STATUS)
            .hardlink("var/lib/dpkg/status", "var/lib/dpkg/status.d/base")
            .symlink("lib/apk/db/installed", "/elsewhere/installed")
            .scan();

    assertThat(scan.osReleases())
        .containsExactly(
            new OsRelease("etc/os-release", "usr/lib/os-release", Map.of()),
            new OsRelease("usr/lib/os-release", null, Map.of("ID", "debian")));
    // A hard link shares its target's bytes; a symbolic link's target is scanned at its own path,
    // if at all.
    assertThat(scan.packageDatabases())
        .containsExactly(
            new PackageDatabase("lib/apk/db/installed", List.of()),
            new PackageDatabase("var/lib/dpkg/status", List.of(BASH)),
            new PackageDatabase("var/lib/dpkg/status.d/base", List.of(BASH)));
  }

  @Test
  void laterEntryForTheSamePathWins() {
    LayerScan scan =
        TestLayer.builder()
            .file("var/lib/dpkg/status", STATUS)
            .file("var/lib/dpkg/status", "")
            .scan();

    assertThat(scan.packageDatabases())
        .containsExactly(new PackageDatabase("var/lib/dpkg/status", List.of()));
  }

  @Test
  void scanSurvivesAJsonRoundTripInBothJacksonGenerations() throws Exception {
    LayerScan scan =
        TestLayer.builder()
            .file(
                "var/lib/dpkg/status",
                STATUS + "\nPackage: tzdata\nStatus: install ok installed\nVersion: 2025b\n")
            .resourceFile("lib/apk/db/installed", "alpine-apk-installed")
            .symlink("etc/os-release", "../usr/lib/os-release")
            .resourceFile("usr/lib/os-release", "debian-os-release")
            .whiteout("var/lib/dpkg/status.d/gone")
            .opaque("usr/lib")
            .scan();
    ObjectMapper jackson2 = new ObjectMapper();
    JsonMapper jackson3 = JsonMapper.builder().build();

    assertThat(jackson2.readValue(jackson2.writeValueAsString(scan), LayerScan.class))
        .isEqualTo(scan);
    assertThat(jackson3.readValue(jackson3.writeValueAsString(scan), LayerScan.class))
        .isEqualTo(scan);
    assertThat(jackson3.readValue(jackson2.writeValueAsString(scan), LayerScan.class))
        .isEqualTo(scan);
  }

  @Test
  void scansUncompressedTarToo() throws IOException {
    byte[] tar = TestLayer.builder().file("var/lib/dpkg/status", STATUS).tar();

    assertThat(LayerScanner.scan(new ByteArrayInputStream(tar)).packageDatabases())
        .containsExactly(new PackageDatabase("var/lib/dpkg/status", List.of(BASH)));
  }

  @Test
  void anEmptyLayerScansToNothing() {
    assertThat(TestLayer.builder().scan())
        .isEqualTo(new LayerScan(List.of(), List.of(), List.of(), List.of()));
  }

  @Test
  void refusesAParsedFileAboveTheLimitWithoutReadingIt() {
    byte[] tar =
        TestLayer.builder()
            .file("var/lib/dpkg/status", new byte[LayerScanner.MAX_PARSED_FILE_BYTES + 1])
            .tar();

    assertThatThrownBy(() -> LayerScanner.scan(new ByteArrayInputStream(tar)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "var/lib/dpkg/status is 16777217 bytes, more than the 16 MiB a scanned file may have");
  }

  @Test
  void largeFilesThatAreNotScannedAreFine() throws IOException {
    byte[] tar =
        TestLayer.builder()
            .file("usr/lib/big.so", new byte[LayerScanner.MAX_PARSED_FILE_BYTES + 1])
            .file("var/lib/dpkg/status", STATUS)
            .tar();

    assertThat(LayerScanner.scan(new ByteArrayInputStream(tar)).packageDatabases()).hasSize(1);
  }

  @Test
  void truncatedGzipIsAnError() {
    byte[] gzip = layerWithPadding().gzip();

    for (int length : new int[] {0, 1, 10, gzip.length / 2, gzip.length - 8, gzip.length - 1}) {
      assertThatThrownBy(
              () -> LayerScanner.scan(new ByteArrayInputStream(Arrays.copyOf(gzip, length))))
          .as("gzip cut to %d of %d bytes", length, gzip.length)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("layer blob is ");
    }
  }

  @Test
  void corruptGzipIsAnError() {
    byte[] gzip = layerWithPadding().gzip();
    gzip[gzip.length / 2] ^= 0x5a;

    assertThatThrownBy(() -> LayerScanner.scan(new ByteArrayInputStream(gzip)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("layer blob is not a valid gzip-compressed tar");
  }

  @Test
  void tarCutAnywhereIsAnError() {
    byte[] tar = layerWithPadding().tar();
    int endMarker = endOfEntries(tar);

    // Empty, inside a header, at entry boundaries, inside an entry's data or padding, and just
    // before the end marker.
    for (int length :
        new int[] {0, 100, 512, 512 + 300, 1024, 1024 + 200, 2048, endMarker - 100, endMarker}) {
      assertThatThrownBy(
              () -> LayerScanner.scan(new ByteArrayInputStream(Arrays.copyOf(tar, length))))
          .as("tar cut to %d of %d bytes", length, tar.length)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("layer blob is truncated");
    }
  }

  @Test
  void aCompleteTarWithoutTheSecondEndRecordIsAccepted() throws IOException {
    byte[] tar = layerWithPadding().tar();

    // Some writers emit only one of the two zero records; the first is the end marker.
    assertThat(
            LayerScanner.scan(new ByteArrayInputStream(Arrays.copyOf(tar, endOfEntries(tar) + 512)))
                .packageDatabases())
        .hasSize(1);
  }

  @Test
  void garbageIsAnError() {
    byte[] garbage =
        "this is not a layer at all, neither gzip nor tar\n"
            .repeat(40)
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> LayerScanner.scan(new ByteArrayInputStream(garbage)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("layer blob is not a valid tar archive");
  }

  /**
   * OCI's tar+zstd, found by zstd's frame magic, compressed by Debian's zstd: scanned as its gzip
   * twin is.
   */
  @Test
  void aZstdLayerIsScannedAsTheSameLayerCompressedWithGzip() throws IOException {
    assumeTrue(commandExists("zstd"), "Debian's zstd is not installed");
    TestLayer layer = layerWithPadding();

    LayerScan fromZstd = LayerScanner.scan(new ByteArrayInputStream(layer.zstd()));

    assertThat(fromZstd)
        .usingRecursiveComparison()
        .isEqualTo(LayerScanner.scan(new ByteArrayInputStream(layer.gzip())));
    assertThat(fromZstd.packageDatabases()).isNotEmpty();
  }

  @Test
  void truncatedOrCorruptZstdIsAnError() {
    assumeTrue(commandExists("zstd"), "Debian's zstd is not installed");
    byte[] zstd = layerWithPadding().zstd();
    byte[] corrupt = zstd.clone();
    corrupt[corrupt.length / 2] ^= 0x5a;

    for (byte[] bad :
        new byte[][] {Arrays.copyOf(zstd, zstd.length / 2), Arrays.copyOf(zstd, 8), corrupt}) {
      assertThatThrownBy(() -> LayerScanner.scan(new ByteArrayInputStream(bad)))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("layer blob is ");
    }
  }

  private static boolean commandExists(String command) {
    try {
      return new ProcessBuilder(command, "--version").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void theCallersReadFailureIsPassedOnUnchangedAndTheStreamIsNotClosed() {
    IOException networkFailure = new IOException("connection reset by registry");
    byte[] gzip = layerWithPadding().gzip();
    boolean[] closed = {false};
    InputStream failing =
        new FilterInputStream(new ByteArrayInputStream(gzip, 0, gzip.length / 2)) {
          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
              throw networkFailure;
            }
            return n;
          }

          @Override
          public void close() {
            closed[0] = true;
          }
        };

    assertThatThrownBy(() -> LayerScanner.scan(failing)).isSameAs(networkFailure);
    assertThat(closed[0]).isFalse();
  }

  /**
   * Where the end-of-archive marker starts: the record after the last entry, whose data does not
   * end in zeros.
   */
  private static int endOfEntries(byte[] tar) {
    int end = tar.length;
    while (end > 0 && tar[end - 1] == 0) {
      end--;
    }
    return (end + 511) / 512 * 512;
  }

  private static TestLayer layerWithPadding() {
    return TestLayer.builder()
        .file("etc/hostname", "layer\n")
        .file("var/lib/dpkg/status", STATUS)
        .file("usr/share/doc/bash/README", "x".repeat(3000));
  }
}

package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import org.junit.jupiter.api.Test;

class ApkDatabaseTest {
  @Test
  void readsEveryPackageOfAnAlpineDatabaseWithItsOrigin() {
    assertThat(ApkDatabase.installedFile(TestLayer.resource("alpine-apk-installed")))
        .containsExactly(
            new InstalledPackage(
                "alpine-baselayout-data", "3.6.5-r0", "x86_64", "alpine-baselayout", "3.6.5-r0"),
            new InstalledPackage(
                "alpine-baselayout", "3.6.5-r0", "x86_64", "alpine-baselayout", "3.6.5-r0"),
            new InstalledPackage("alpine-keys", "2.4-r1", "x86_64", "alpine-keys", "2.4-r1"),
            new InstalledPackage("musl", "1.2.5-r0", "x86_64", "musl", "1.2.5-r0"),
            new InstalledPackage("busybox", "1.36.1-r29", "x86_64", "busybox", "1.36.1-r29"),
            new InstalledPackage("busybox-binsh", "1.36.1-r29", "x86_64", "busybox", "1.36.1-r29"),
            new InstalledPackage(
                "ca-certificates-bundle",
                "20240705-r0",
                "x86_64",
                "ca-certificates",
                "20240705-r0"),
            new InstalledPackage("libcrypto3", "3.3.1-r3", "x86_64", "openssl", "3.3.1-r3"),
            new InstalledPackage("libssl3", "3.3.1-r3", "x86_64", "openssl", "3.3.1-r3"),
            new InstalledPackage("zlib", "1.3.1-r1", "x86_64", "zlib", "1.3.1-r1"),
            new InstalledPackage("scanelf", "1.3.7-r2", "x86_64", "pax-utils", "1.3.7-r2"),
            new InstalledPackage("apk-tools", "2.14.4-r0", "x86_64", "apk-tools", "2.14.4-r0"),
            // Its stanza has no o: line: its own source, where quay/claircore apk/scanner.go
            // (b882dc5d2b7309c53d10f1cd021bb5c9c86e4514) gives it none; see docs/compatibility.md.
            new InstalledPackage("libc-utils", "0.7.2-r5", "x86_64", "libc-utils", "0.7.2-r5"));
  }

  @Test
  void keysAreCaseSensitive() {
    // p: is what a package provides, not its name.
    assertThat(ApkDatabase.installedFile("p:so:libz.so.1=1\nP:zlib\nV:1.3.1-r1\nv:9\n"))
        .containsExactly(new InstalledPackage("zlib", "1.3.1-r1", "", "zlib", "1.3.1-r1"));
  }

  @Test
  void skipsIncompleteStanzasAndReadsAFileWithoutTrailingNewline() {
    assertThat(ApkDatabase.installedFile("")).isEmpty();
    assertThat(ApkDatabase.installedFile("P:nover\nA:x86_64\n\nV:1\n\nP:musl\nV:1.2.5-r0"))
        .containsExactly(new InstalledPackage("musl", "1.2.5-r0", "", "musl", "1.2.5-r0"));
  }
}

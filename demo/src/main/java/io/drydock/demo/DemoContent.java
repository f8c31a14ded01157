package io.drydock.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * File contents for the demo images, close enough to the real distributions that OS detection and
 * package listing (the things a scanner reads) behave on them as on real images. Long because it is
 * data, one constant per file: it grows with the files the images hold, not with what the code
 * does.
 */
final class DemoContent {
  static final String DEBIAN_OS_RELEASE =
      """
      PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
      NAME="Debian GNU/Linux"
      VERSION_ID="12"
      VERSION="12 (bookworm)"
      VERSION_CODENAME=bookworm
      ID=debian
      HOME_URL="https://www.debian.org/"
      SUPPORT_URL="https://www.debian.org/support"
      BUG_REPORT_URL="https://bugs.debian.org/"
      """;

  static final String DEBIAN_VERSION = "12.6\n";

  static final String DEBIAN_MOTD =
      """

      The programs included with the Debian GNU/Linux system are free software;
      the exact distribution terms for each program are described in the
      individual files in /usr/share/doc/*/copyright.

      Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent
      permitted by applicable law.
      """;

  /**
   * As dpkg writes it: stanzas sorted by package, one of them removed but with its configuration
   * files kept.
   */
  static final String DPKG_STATUS =
      """
      Package: apt
      Status: install ok installed
      Priority: required
      Section: admin
      Installed-Size: 4144
      Maintainer: APT Development Team <deity@lists.debian.org>
      Architecture: amd64
      Version: 2.6.1
      Replaces: apt-transport-https (<< 1.5~alpha4~), apt-utils (<< 1.3~exp2~)
      Provides: apt-transport-https (= 2.6.1)
      Depends: adduser, gpgv | gpgv2 | gpgv1, libapt-pkg6.0 (>= 2.6.1), debian-archive-keyring, libc6 (>= 2.34), \
      libgcc-s1 (>= 3.0), libgnutls30 (>= 3.7.5), libseccomp2 (>= 2.4.2), libstdc++6 (>= 11), libsystemd0
      Description: commandline package manager
       This package provides commandline tools for searching and
       managing as well as querying information about packages
       as a low-level access to all features of the libapt-pkg library.

      Package: base-files
      Essential: yes
      Status: install ok installed
      Priority: required
      Section: admin
      Installed-Size: 341
      Maintainer: Santiago Vila <sanvila@debian.org>
      Architecture: amd64
      Multi-Arch: foreign
      Version: 12.4+deb12u6
      Replaces: base, dpkg (<= 1.15.0), miscutils
      Provides: base
      Conflicts: base
      Description: Debian base system miscellaneous files
       This package contains the basic filesystem hierarchy of a Debian system, and
       several important miscellaneous files, such as /etc/debian_version,
       /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
       and the text of several common licenses in use on Debian systems.

      Package: bash
      Essential: yes
      Status: install ok installed
      Priority: required
      Section: shells
      Installed-Size: 7163
      Maintainer: Matthias Klose <doko@debian.org>
      Architecture: amd64
      Multi-Arch: foreign
      Source: bash (5.2.15-2)
      Version: 5.2.15-2+b7
      Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
      Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
      Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
      Recommends: bash-completion (>= 20060301-0)
      Suggests: bash-doc
      Conflicts: bash-completion (<< 20060301-0)
      Description: GNU Bourne Again SHell
       Bash is an sh-compatible command language interpreter that executes
       commands read from the standard input or from a file.  Bash also
       incorporates useful features from the Korn and C shells (ksh and csh).

      Package: ca-certificates
      Status: install ok installed
      Priority: optional
      Section: misc
      Installed-Size: 382
      Maintainer: Julien Cristau <jcristau@debian.org>
      Architecture: all
      Multi-Arch: foreign
      Version: 20230311
      Depends: openssl (>= 1.1.1), debconf (>= 0.5) | debconf-2.0
      Breaks: ca-certificates-java (<< 20121112+nmu1)
      Enhances: openssl
      Description: Common CA certificates
       Contains the certificate authorities shipped with Mozilla's browser to allow
       SSL-based applications to check for the authenticity of SSL connections.

      Package: coreutils
      Essential: yes
      Status: install ok installed
      Priority: required
      Section: utils
      Installed-Size: 18062
      Maintainer: Michael Stone <mstone@debian.org>
      Architecture: amd64
      Multi-Arch: foreign
      Version: 9.1-1
      Pre-Depends: libacl1 (>= 2.2.23), libattr1 (>= 1:2.4.44), libc6 (>= 2.34), libgmp10 (>= 2:6.2.1+dfsg1), \
      libselinux1 (>= 3.1~), libssl3 (>= 3.0.0)
      Description: GNU core utilities
       This package contains the basic file, shell and text manipulation
       utilities which are expected to exist on every operating system.

      Package: debconf
      Status: install ok installed
      Priority: required
      Section: admin
      Installed-Size: 512
      Maintainer: Debconf Developers <debconf-devel@lists.alioth.debian.org>
      Architecture: all
      Multi-Arch: foreign
      Version: 1.5.82
      Replaces: debconf-tiny
      Provides: debconf-2.0
      Pre-Depends: perl-base (>= 5.20.1-3~)
      Conflicts: apt (<< 0.3.12.1), cdebconf (<< 0.96), debconf-tiny
      Description: Debian configuration management system
       Debconf is a configuration management system for debian packages. Packages
       use Debconf to ask questions when they are installed.

      Package: debianutils
      Essential: yes
      Status: install ok installed
      Priority: required
      Section: utils
      Installed-Size: 243
      Maintainer: Debian QA Group <packages@qa.debian.org>
      Architecture: amd64
      Multi-Arch: foreign
      Version: 5.7-0.5~deb12u1
      Pre-Depends: libc6 (>= 2.34)
      Description: Miscellaneous utilities specific to Debian
       This package provides a number of small utilities which are used
       primarily by the installation scripts of Debian packages, although
       you may use them directly.

      Package: gcc-12-base
      Status: install ok installed
      Priority: required
      Section: libs
      Installed-Size: 111
      Maintainer: Debian GCC Maintainers <debian-gcc@lists.debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: gcc-12
      Version: 12.2.0-14
      Breaks: gnat (<< 7)
      Description: GCC, the GNU Compiler Collection (base package)
       This package contains files common to all languages and libraries
       contained in the GNU Compiler Collection (GCC).

      Package: libapt-pkg6.0
      Status: install ok installed
      Priority: required
      Section: libs
      Installed-Size: 3278
      Maintainer: APT Development Team <deity@lists.debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: apt
      Version: 2.6.1
      Depends: libbz2-1.0, libc6 (>= 2.34), libgcc-s1 (>= 3.0), libgcrypt20 (>= 1.10.0), liblz4-1 (>= 0.0~r127), \
      liblzma5 (>= 5.1.1alpha+20120614), libstdc++6 (>= 11), libsystemd0 (>= 221), libudev1 (>= 183), \
      libxxhash0 (>= 0.7.1), libzstd1 (>= 1.5.2), zlib1g (>= 1:1.2.2.3)
      Recommends: apt (>= 2.6.1)
      Description: package management runtime library
       This library provides the common functionality for searching and
       managing packages as well as information about packages.

      Package: libc6
      Status: install ok installed
      Priority: optional
      Section: libs
      Installed-Size: 12987
      Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: glibc
      Version: 2.36-9+deb12u7
      Depends: libgcc-s1
      Recommends: libidn2-0 (>= 2.0.5~)
      Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
      Breaks: aide (<< 0.17.3-4+b3), busybox (<< 1.30.1-6), fakeroot (<< 1.25.3-1.1ubuntu2~), \
      hurd (<< 1:0.9.git20220818-2)
      Description: GNU C Library: Shared libraries
       Contains the standard libraries that are used by nearly all programs on
       the system. This package includes shared versions of the standard C library
       and the standard math library, as well as many others.

      Package: libgcc-s1
      Status: install ok installed
      Priority: optional
      Section: libs
      Installed-Size: 140
      Maintainer: Debian GCC Maintainers <debian-gcc@lists.debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: gcc-12
      Version: 12.2.0-14
      Replaces: libgcc1 (<< 1:10)
      Provides: libgcc1 (= 1:12.2.0-14)
      Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)
      Description: GCC support library
       Shared version of the support library, a library of internal subroutines
       that GCC uses to overcome shortcomings of particular machines.

      Package: libssl3
      Status: install ok installed
      Priority: optional
      Section: libs
      Installed-Size: 6196
      Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
      Architecture: amd64
      Multi-Arch: same
      Source: openssl
      Version: 3.0.13-1~deb12u1
      Depends: libc6 (>= 2.34)
      Description: Secure Sockets Layer toolkit - shared libraries
       This package is part of the OpenSSL project's implementation of the SSL
       and TLS cryptographic protocols for secure communication over the
       Internet.

      Package: libtinfo6
      Status: install ok installed
      Priority: optional
      Section: libs
      Installed-Size: 553
      Maintainer: Craig Small <csmall@debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: ncurses
      Version: 6.4-4
      Depends: libc6 (>= 2.34)
      Description: shared low-level terminfo library for terminal handling
       The ncurses library routines are a terminal-independent method of
       updating character screens with reasonable optimization.

      Package: nano
      Status: deinstall ok config-files
      Priority: optional
      Section: editors
      Installed-Size: 2781
      Maintainer: Jordi Mallach <jordi@debian.org>
      Architecture: amd64
      Version: 7.2-1+deb12u1
      Config-Version: 7.2-1+deb12u1
      Conffiles:
       /etc/nanorc 5c7a1a31e6fbf93f2f3b7b8b8b7fa6b1
      Description: small, friendly text editor inspired by Pico
       GNU nano is an easy-to-use text editor originally designed as a replacement
       for Pico, the ncurses-based editor from the non-free mailer package Pine.

      Package: tzdata
      Status: install ok installed
      Priority: required
      Section: localization
      Installed-Size: 3045
      Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
      Architecture: all
      Multi-Arch: foreign
      Version: 2024a-0+deb12u1
      Replaces: libc0.1, libc0.3, libc6, libc6.1
      Provides: tzdata-bookworm
      Depends: debconf (>= 0.5) | debconf-2.0
      Description: time zone and daylight-saving time data
       This package contains data required for the implementation of
       standard local time for many representative locations around the
       globe.

      Package: zlib1g
      Status: install ok installed
      Priority: optional
      Section: libs
      Installed-Size: 168
      Maintainer: Mark Brown <broonie@debian.org>
      Architecture: amd64
      Multi-Arch: same
      Source: zlib
      Version: 1:1.2.13.dfsg-1
      Provides: libz1
      Depends: libc6 (>= 2.14)
      Breaks: libxml2 (<< 2.7.6.dfsg-2), texlive-binaries (<< 2009-12)
      Conflicts: zlib1 (<= 1:1.0.4-7)
      Description: compression library - runtime
       zlib is a library implementing the deflate compression method found
       in gzip and PKZIP.  This package includes the shared library.
      """;

  static final String ALPINE_OS_RELEASE =
      """
      NAME="Alpine Linux"
      ID=alpine
      VERSION_ID=3.20.3
      PRETTY_NAME="Alpine Linux v3.20"
      HOME_URL="https://alpinelinux.org/"
      BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
      """;

  static final String ALPINE_RELEASE = "3.20.3\n";

  private static final List<ApkPackage> ALPINE_PACKAGES =
      List.of(
          new ApkPackage(
              "alpine-baselayout",
              "3.6.5-r0",
              "alpine-baselayout",
              8515,
              327680,
              "Alpine base dir structure and init scripts",
              "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout",
              "GPL-2.0-only",
              "alpine-baselayout-data=3.6.5-r0 /bin/sh",
              "",
              "etc",
              "profile"),
          new ApkPackage(
              "alpine-release",
              "3.20.3-r0",
              "alpine-base",
              1859,
              24576,
              "Alpine release data",
              "https://alpinelinux.org",
              "MIT",
              "",
              "",
              "etc",
              "alpine-release"),
          new ApkPackage(
              "busybox",
              "1.36.1-r29",
              "busybox",
              512134,
              819200,
              "Size optimized toolbox of many common UNIX utilities",
              "https://busybox.net/",
              "GPL-2.0-only",
              "so:libc.musl-${arch}.so.1",
              "/bin/sh cmd:busybox=1.36.1-r29",
              "bin",
              "busybox"),
          new ApkPackage(
              "libcrypto3",
              "3.3.2-r0",
              "openssl",
              1787054,
              4759552,
              "Crypto library from openssl",
              "https://www.openssl.org/",
              "Apache-2.0",
              "so:libc.musl-${arch}.so.1",
              "so:libcrypto.so.3=3",
              "usr/lib",
              "libcrypto.so.3"),
          new ApkPackage(
              "libssl3",
              "3.3.2-r0",
              "openssl",
              349932,
              843776,
              "SSL shared libraries",
              "https://www.openssl.org/",
              "Apache-2.0",
              "so:libc.musl-${arch}.so.1 so:libcrypto.so.3",
              "so:libssl.so.3=3",
              "usr/lib",
              "libssl.so.3"),
          new ApkPackage(
              "musl",
              "1.2.5-r0",
              "musl",
              411323,
              647168,
              "the musl c library (libc) implementation",
              "https://musl.libc.org/",
              "MIT",
              "",
              "so:libc.musl-${arch}.so.1=1",
              "lib",
              "ld-musl-${arch}.so.1"),
          new ApkPackage(
              "zlib",
              "1.3.1-r1",
              "zlib",
              54080,
              102400,
              "A compression/decompression Library",
              "https://zlib.net/",
              "Zlib",
              "so:libc.musl-${arch}.so.1",
              "so:libz.so.1=1.3.1",
              "usr/lib",
              "libz.so.1"));

  private DemoContent() {}

  /**
   * {@code lib/apk/db/installed} for a small Alpine 3.20 system on {@code arch} ({@code x86_64},
   * {@code aarch64}). Checksums and commit ids are derived from the package so that they look and
   * vary like real ones.
   */
  static String apkInstalled(String arch) {
    StringBuilder db = new StringBuilder();
    for (ApkPackage p : ALPINE_PACKAGES) {
      String id = p.name() + "-" + p.version() + "." + arch;
      db.append("C:Q1")
          .append(base64Sha1(id))
          .append('\n')
          .append("P:")
          .append(p.name())
          .append('\n')
          .append("V:")
          .append(p.version())
          .append('\n')
          .append("A:")
          .append(arch)
          .append('\n')
          .append("S:")
          .append(p.size())
          .append('\n')
          .append("I:")
          .append(p.installedSize())
          .append('\n')
          .append("T:")
          .append(p.description())
          .append('\n')
          .append("U:")
          .append(p.url())
          .append('\n')
          .append("L:")
          .append(p.license())
          .append('\n')
          .append("o:")
          .append(p.origin())
          .append('\n')
          .append("m:Natanael Copa <ncopa@alpinelinux.org>\n")
          .append("t:1725870000\n")
          .append("c:")
          .append(HexFormat.of().formatHex(sha1("aports " + p.origin() + " " + p.version())))
          .append('\n');
      if (!p.depends().isEmpty()) {
        db.append("D:").append(p.depends().replace("${arch}", arch)).append('\n');
      }
      if (!p.provides().isEmpty()) {
        db.append("p:").append(p.provides().replace("${arch}", arch)).append('\n');
      }
      String file = p.file().replace("${arch}", arch);
      db.append("F:")
          .append(p.directory())
          .append('\n')
          .append("R:")
          .append(file)
          .append('\n')
          .append("a:0:0:755\n")
          .append("Z:Q1")
          .append(base64Sha1(id + "/" + p.directory() + "/" + file))
          .append('\n')
          .append('\n');
    }
    return db.toString();
  }

  private static String base64Sha1(String s) {
    return Base64.getEncoder().encodeToString(sha1(s));
  }

  private static byte[] sha1(String s) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-1", e);
    }
  }

  private record ApkPackage(
      String name,
      String version,
      String origin,
      long size,
      long installedSize,
      String description,
      String url,
      String license,
      String depends,
      String provides,
      String directory,
      String file) {}
}

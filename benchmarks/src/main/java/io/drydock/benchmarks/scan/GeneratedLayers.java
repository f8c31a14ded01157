package io.drydock.benchmarks.scan;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * A seeded, deterministic set of gzip-compressed image layers written to disk: every eighth layer
 * is a distribution base (a real dpkg status file, os-release, thousands of documentation and
 * library files), the others application layers of source text, binaries and a few large assets,
 * with some whiteouts. About half the bytes are text that compresses as real layers do, half random
 * bytes that do not compress at all.
 */
final class GeneratedLayers {
  /** One layer file with its sizes. */
  record Layer(Path file, long compressedBytes, long uncompressedBytes) {}

  private static final String[] WORDS = {
    "package",
    "return",
    "static",
    "final",
    "string",
    "import",
    "public",
    "class",
    "void",
    "int",
    "if",
    "else",
    "for",
    "while",
    "new",
    "this",
    "null",
    "true",
    "false",
    "license",
    "copyright",
    "software",
    "free",
    "the",
    "of",
  };
  private static final String MARKER = "layers.done";

  private GeneratedLayers() {}

  /**
   * The layers in {@code directory}, generated there first unless an earlier run with the same
   * count, seed and dpkg status finished writing them.
   */
  static List<Layer> prepare(
      Path directory, int count, long seed, String dpkgStatus, String osRelease)
      throws IOException {
    String identity =
        count
            + " layers, seed "
            + seed
            + ", dpkg status "
            + dpkgStatus.length()
            + " chars hash "
            + dpkgStatus.hashCode()
            + ", os-release hash "
            + osRelease.hashCode()
            + "\n";
    Path marker = directory.resolve(MARKER);
    List<Layer> layers = new ArrayList<>();
    if (Files.exists(marker) && Files.readString(marker).startsWith(identity)) {
      for (String line : Files.readAllLines(marker).subList(1, count + 1)) {
        String[] fields = line.split(" ");
        layers.add(
            new Layer(
                directory.resolve(fields[0]),
                Long.parseLong(fields[1]),
                Long.parseLong(fields[2])));
      }
      return layers;
    }
    Files.createDirectories(directory);
    Files.deleteIfExists(marker);
    Random random = new Random(seed);
    StringBuilder index = new StringBuilder(identity);
    for (int i = 0; i < count; i++) {
      Path file = directory.resolve(String.format("layer-%03d.tar.gz", i));
      long uncompressed = write(file, i, random, dpkgStatus, osRelease);
      Layer layer = new Layer(file, Files.size(file), uncompressed);
      layers.add(layer);
      index
          .append(file.getFileName())
          .append(' ')
          .append(layer.compressedBytes())
          .append(' ')
          .append(uncompressed)
          .append('\n');
    }
    Files.writeString(marker, index);
    return layers;
  }

  /**
   * The same layers compressed with zstd at its default level 3 (the level containerd and BuildKit
   * push {@code tar+zstd} layers with), written next to the gzip ones unless an earlier run did.
   */
  static List<Layer> recompressWithZstd(List<Layer> gzipLayers) throws IOException {
    List<Layer> layers = new ArrayList<>();
    for (Layer gzipLayer : gzipLayers) {
      Path file = Path.of(gzipLayer.file().toString().replaceFirst("\\.tar\\.gz$", ".tar.zst"));
      Path done = Path.of(file + ".done");
      if (!Files.exists(done)) {
        try (InputStream tar =
                new GzipCompressorInputStream(Files.newInputStream(gzipLayer.file()), true);
            OutputStream zstd =
                new ZstdCompressorOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 3)) {
          tar.transferTo(zstd);
        }
        Files.createFile(done);
      }
      layers.add(new Layer(file, Files.size(file), gzipLayer.uncompressedBytes()));
    }
    return layers;
  }

  private static long write(
      Path file, int number, Random random, String dpkgStatus, String osRelease)
      throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      if (number % 8 == 0) {
        writeBase(tar, random, dpkgStatus, osRelease);
      } else {
        writeApplication(tar, number, random);
      }
      tar.finish();
      return tar.getBytesWritten();
    }
  }

  private static void writeBase(
      TarArchiveOutputStream tar, Random random, String dpkgStatus, String osRelease)
      throws IOException {
    add(tar, "usr/lib/os-release", osRelease.getBytes(StandardCharsets.UTF_8));
    TarArchiveEntry link = new TarArchiveEntry("etc/os-release", TarArchiveEntry.LF_SYMLINK);
    link.setLinkName("../usr/lib/os-release");
    tar.putArchiveEntry(link);
    tar.closeArchiveEntry();
    add(tar, "var/lib/dpkg/status", dpkgStatus.getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3000; i++) {
      add(
          tar,
          "usr/share/doc/pkg" + i / 4 + "/copyright-" + i,
          text(random, 512 + random.nextInt(4096)));
    }
    for (int i = 0; i < 300; i++) {
      add(
          tar,
          "usr/lib/x86_64-linux-gnu/lib" + i + ".so." + random.nextInt(9),
          binary(random, 4096 + random.nextInt(65536)));
    }
    add(tar, "usr/lib/locale/locale-archive", text(random, 3 << 20));
  }

  private static void writeApplication(TarArchiveOutputStream tar, int number, Random random)
      throws IOException {
    int sources = 200 + random.nextInt(1200);
    for (int i = 0; i < sources; i++) {
      add(
          tar,
          "app/" + number + "/src/module" + i / 50 + "/File" + i + ".java",
          text(random, 256 + random.nextInt(8192)));
    }
    int binaries = 5 + random.nextInt(40);
    for (int i = 0; i < binaries; i++) {
      add(
          tar,
          "app/" + number + "/lib/dependency-" + i + ".jar",
          binary(random, 16384 + random.nextInt(512 << 10)));
    }
    if (random.nextInt(3) == 0) {
      add(
          tar,
          "app/" + number + "/assets/model.bin",
          binary(random, (2 << 20) + random.nextInt(6 << 20)));
    }
    add(tar, "tmp/.wh.build-cache", new byte[0]);
    add(tar, "var/cache/apt/.wh..wh..opq", new byte[0]);
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static byte[] text(Random random, int bytes) {
    StringBuilder text = new StringBuilder(bytes + 16);
    while (text.length() < bytes) {
      text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(8) == 0 ? '\n' : ' ');
    }
    text.setLength(bytes);
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] binary(Random random, int bytes) {
    byte[] binary = new byte[bytes];
    random.nextBytes(binary);
    return binary;
  }
}

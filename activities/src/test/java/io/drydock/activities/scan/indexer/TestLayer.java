package io.drydock.activities.scan.indexer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory, entries in the order given, as a test needs them. */
final class TestLayer {
  private final List<Entry> entries = new ArrayList<>();

  private record Entry(String name, byte linkFlag, String linkName, byte[] content) {}

  static TestLayer builder() {
    return new TestLayer();
  }

  static String resource(String name) {
    try (InputStream in = TestLayer.class.getResourceAsStream("/scan/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource scan/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path resourcePath(String name) {
    try {
      return Path.of(TestLayer.class.getResource("/scan/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A digest that names layer {@code n} of a test image. */
  static String digest(int n) {
    return "sha256:" + HexFormat.of().toHexDigits((long) n).repeat(4);
  }

  TestLayer file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  TestLayer file(String name, byte[] content) {
    entries.add(new Entry(name, TarConstants.LF_NORMAL, null, content));
    return this;
  }

  TestLayer resourceFile(String name, String resource) {
    return file(name, resource(resource));
  }

  TestLayer directory(String name) {
    entries.add(
        new Entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null, new byte[0]));
    return this;
  }

  TestLayer symlink(String name, String target) {
    entries.add(new Entry(name, TarConstants.LF_SYMLINK, target, new byte[0]));
    return this;
  }

  TestLayer hardlink(String name, String target) {
    entries.add(new Entry(name, TarConstants.LF_LINK, target, new byte[0]));
    return this;
  }

  /** An OCI whiteout: hides {@code path} of the layers below. */
  TestLayer whiteout(String path) {
    int slash = path.lastIndexOf('/');
    return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
  }

  /** An OCI opaque whiteout: hides everything the layers below hold in {@code directory}. */
  TestLayer opaque(String directory) {
    return file(directory + "/.wh..wh..opq", "");
  }

  byte[] tar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.linkFlag(), true);
        if (e.linkName() != null) {
          entry.setLinkName(e.linkName());
        }
        entry.setSize(e.content().length);
        tar.putArchiveEntry(entry);
        tar.write(e.content());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  byte[] gzip() {
    return gzip(tar());
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The tar compressed by the {@code zstd} command, as container tools write OCI's {@code tar+zstd}
   * layers.
   */
  byte[] zstd() {
    try {
      Process zstd = new ProcessBuilder("zstd", "-q", "-c", "-").start();
      try (OutputStream in = zstd.getOutputStream()) {
        in.write(tar());
      }
      byte[] compressed = zstd.getInputStream().readAllBytes();
      if (zstd.waitFor() != 0) {
        throw new IllegalStateException(
            "zstd failed: " + new String(zstd.getErrorStream().readAllBytes()));
      }
      return compressed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  LayerScan scan() {
    try {
      return LayerScanner.scan(new ByteArrayInputStream(gzip()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ScannedLayer scanned(int n) {
    return new ScannedLayer(digest(n), scan());
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

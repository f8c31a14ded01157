package io.drydock.demo;

import io.drydock.activities.legacy.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * A small image layer built in memory, byte for byte the same on every run: entries sorted by name,
 * owned by root, with one fixed modification time, and a gzip header without a timestamp.
 *
 * @param compressed the gzip-compressed tar, as stored in the blob
 * @param diffId the sha256 of the uncompressed tar, as listed in the image config's {@code
 *     rootfs.diff_ids}
 */
record DemoLayer(byte[] compressed, Digest diffId) {
  static final Instant ENTRY_TIME = Instant.parse("2024-06-01T00:00:00Z");
  private static final int DIRECTORY_MODE = 040755;
  private static final int FILE_MODE = 0100644;
  private static final int EXECUTABLE_MODE = 0100755;

  static Builder builder() {
    return new Builder();
  }

  /**
   * Collects entries by name; parent directories are added automatically, as {@code docker build}
   * would.
   */
  static final class Builder {
    private final Map<String, Entry> entries = new TreeMap<>();

    Builder file(String path, String content) {
      return add(path, FILE_MODE, content);
    }

    Builder executable(String path, String content) {
      return add(path, EXECUTABLE_MODE, content);
    }

    /** An OCI whiteout: hides {@code path} of the layers below. */
    Builder whiteout(String path) {
      int slash = path.lastIndexOf('/');
      return add(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), FILE_MODE, "");
    }

    private Builder add(String path, int mode, String content) {
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        entries.putIfAbsent(path.substring(0, slash + 1), new Entry(DIRECTORY_MODE, new byte[0]));
      }
      entries.put(path, new Entry(mode, content.getBytes(StandardCharsets.UTF_8)));
      return this;
    }

    DemoLayer build() {
      byte[] tar = tar();
      return new DemoLayer(gzip(tar), Digest.sha256Of(tar));
    }

    private byte[] tar() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
          TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
          entry.setMode(e.getValue().mode());
          entry.setIds(0, 0);
          entry.setNames("root", "root");
          entry.setModTime(ENTRY_TIME.toEpochMilli());
          entry.setSize(e.getValue().content().length);
          tar.putArchiveEntry(entry);
          tar.write(e.getValue().content());
          tar.closeArchiveEntry();
        }
        tar.finish();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot build a tar in memory", e);
      }
      return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] tar) {
      GzipParameters parameters = new GzipParameters();
      // Zero means "no timestamp" in the gzip header; like Go's gzip writer, the OS byte says
      // "unknown".
      parameters.setModificationTime(0);
      parameters.setOS(GzipParameters.OS.UNKNOWN);
      parameters.setCompressionLevel(Deflater.BEST_COMPRESSION);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes, parameters)) {
        gzip.write(tar);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot gzip in memory", e);
      }
      return bytes.toByteArray();
    }
  }

  private record Entry(int mode, byte[] content) {}
}

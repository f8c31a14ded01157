package io.drydock.activities.scan.indexer;

import io.drydock.activities.scan.indexer.LayerScan.OsRelease;
import io.drydock.activities.scan.indexer.LayerScan.PackageDatabase;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Scans one image layer blob, a gzip-compressed or plain tar, in a single streaming pass: only the
 * few small files the scanners parse are read into memory, everything else is skipped as it streams
 * by, so a layer of any size scans in a small heap. The scanners are those of {@link
 * ScannerSet#current()}.
 */
public final class LayerScanner {
  /**
   * The most a parsed file may hold; real dpkg status files stay below a few MiB even on large
   * systems.
   */
  static final int MAX_PARSED_FILE_BYTES = 16 << 20;

  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
  private static final int READ_BUFFER_BYTES = 64 << 10;

  private LayerScanner() {}

  /**
   * Scans {@code blob} to its end. The caller keeps ownership of the stream: it is read but not
   * closed.
   *
   * @throws IOException if reading {@code blob} fails (that exception, unchanged), or if the blob
   *     is not a complete, valid gzip-compressed or plain tar archive, or holds a parsed file
   *     larger than 16 MiB. A damaged layer never yields a partial scan.
   */
  public static LayerScan scan(InputStream blob) throws IOException {
    CallerStream source = new CallerStream(blob);
    BufferedInputStream buffered = new BufferedInputStream(source, READ_BUFFER_BYTES);
    LayerCompression compression = LayerCompression.probe(buffered);
    LayerContents contents = new LayerContents();
    try (InputStream tarBytes = compression.decompressing(buffered);
        CheckedTarInputStream tar = new CheckedTarInputStream(tarBytes)) {
      byte[] skipBuffer = new byte[READ_BUFFER_BYTES];
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        contents.add(entry, tar);
        // Reading the rest of the entry in large chunks beats Commons Compress's skip, which
        // inflates 8 KiB a call.
        while (tar.read(skipBuffer) >= 0) {
          // Discarded: the scanners need only the files LayerContents read.
        }
      }
      if (!tar.sawEndOfArchive) {
        throw new InvalidLayerException(
            "layer blob is truncated: its tar archive stops after "
                + contents.entries
                + " entries without the end-of-archive marker");
      }
      // Whatever follows the end marker is padding; reading it checks the gzip trailer's CRC and
      // length.
      tarBytes.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      if (e instanceof InvalidLayerException || source.threw(e)) {
        throw e;
      }
      throw new InvalidLayerException(describe(compression, e), e);
    }
    return contents.toScan();
  }

  private static String describe(LayerCompression compression, IOException e) {
    String format = compression.format;
    // Commons Compress says "Truncated TAR archive" when an entry's data stops short.
    if (e instanceof EOFException || String.valueOf(e.getMessage()).startsWith("Truncated")) {
      return "layer blob is truncated: its " + format + " ends unexpectedly";
    }
    return "layer blob is not a valid " + format + ": " + e.getMessage();
  }

  /** The layer itself is unusable, as opposed to the caller's stream failing. */
  private static final class InvalidLayerException extends IOException {
    InvalidLayerException(String message) {
      super(message);
    }

    InvalidLayerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Commons Compress ends the entry list quietly when the input stops at an entry boundary; only
   * the all-zero end-of-archive record tells a complete archive from a truncated one.
   */
  private static final class CheckedTarInputStream extends TarArchiveInputStream {
    private boolean sawEndOfArchive;

    CheckedTarInputStream(InputStream in) {
      super(in, StandardCharsets.UTF_8.name());
    }

    @Override
    protected boolean isEOFRecord(byte[] record) {
      boolean end = super.isEOFRecord(record);
      // A null record is a short read: the input ran out, which is no end marker.
      if (end && record != null) {
        sawEndOfArchive = true;
      }
      return end;
    }
  }

  /** The files of one layer the scanners care about, collected as the tar streams by. */
  private static final class LayerContents {
    private final Map<String, PackageDatabase> databases = new HashMap<>();
    private final Map<String, OsRelease> osReleases = new HashMap<>();
    private final List<String> whiteouts = new ArrayList<>();
    private final List<String> opaqueDirectories = new ArrayList<>();
    private long entries;

    void add(TarArchiveEntry entry, InputStream tar) throws IOException {
      entries++;
      String path = LayerPaths.normalize(entry.getName());
      String directory = LayerPaths.parent(path);
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (name.startsWith(WHITEOUT_PREFIX)) {
        addWhiteout(directory, name);
        return;
      }
      ScannedPaths scanned = ScannedPaths.of(path);
      if (scanned == null) {
        return;
      }
      if (entry.isSymbolicLink() || entry.isLink()) {
        addLink(path, entry, scanned == ScannedPaths.OS_RELEASE);
        return;
      }
      // A directory or device where a scanned file belongs hides the lower layers' file and holds
      // nothing to read.
      String text = entry.isFile() ? read(path, entry, tar) : "";
      switch (scanned) {
        case OS_RELEASE ->
            osReleases.put(path, new OsRelease(path, null, OsReleaseFile.parse(text)));
        case DPKG_STATUS ->
            databases.put(path, new PackageDatabase(path, DpkgDatabase.statusFile(text)));
        case DPKG_DISTROLESS ->
            databases.put(path, new PackageDatabase(path, DpkgDatabase.distrolessFile(text)));
        case APK_INSTALLED ->
            databases.put(path, new PackageDatabase(path, ApkDatabase.installedFile(text)));
      }
    }

    private void addWhiteout(String directory, String name) {
      if (name.equals(OPAQUE_WHITEOUT)) {
        if (ScannedPaths.canHideAScannedFile(directory)) {
          opaqueDirectories.add(directory);
        }
        return;
      }
      // Other ".wh..wh." names are AUFS bookkeeping, not deletions.
      String hidden = LayerPaths.child(directory, name.substring(WHITEOUT_PREFIX.length()));
      if (!name.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)
          && ScannedPaths.canHideAScannedFile(hidden)) {
        whiteouts.add(hidden);
      }
    }

    /**
     * A hard link names an earlier entry of the same archive, so a parsed target is simply copied.
     * A symbolic link (relative to its directory) is kept as such for an os-release file, which the
     * coalescer resolves across layers; at a database path it hides the lower layers' file, and its
     * target is scanned at its own path.
     */
    private void addLink(String path, TarArchiveEntry entry, boolean osRelease) {
      String target =
          entry.isLink()
              ? LayerPaths.normalize(entry.getLinkName())
              : LayerPaths.normalize(
                  entry.getLinkName().startsWith("/")
                      ? entry.getLinkName()
                      : LayerPaths.child(LayerPaths.parent(path), entry.getLinkName()));
      if (osRelease) {
        OsRelease linked = entry.isLink() ? osReleases.get(target) : null;
        osReleases.put(
            path,
            linked == null
                ? new OsRelease(path, target, Map.of())
                : new OsRelease(path, linked.linkTarget(), linked.fields()));
      } else {
        PackageDatabase linked = entry.isLink() ? databases.get(target) : null;
        databases.put(
            path, new PackageDatabase(path, linked == null ? List.of() : linked.packages()));
      }
    }

    private static String read(String path, TarArchiveEntry entry, InputStream tar)
        throws IOException {
      if (entry.getSize() > MAX_PARSED_FILE_BYTES) {
        throw new InvalidLayerException(
            path
                + " is "
                + entry.getSize()
                + " bytes, more than the "
                + (MAX_PARSED_FILE_BYTES >> 20)
                + " MiB a scanned file may have");
      }
      return new String(tar.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8);
    }

    LayerScan toScan() {
      return new LayerScan(
          List.copyOf(databases.values()),
          List.copyOf(osReleases.values()),
          whiteouts,
          opaqueDirectories);
    }
  }
}

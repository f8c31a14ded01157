package io.drydock.activities.scan.indexer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Run in its own small-heap JVM by {@link LargeLayerStreamingTest}: scans a plain tar layer holding
 * a 2 GiB file of zeros followed by a dpkg status file, generated as it is read so that the layer
 * never exists in memory or on disk, and prints what it found.
 */
public final class LargeLayerScan {
  static final long BIG_FILE_BYTES = 2L << 30;
  static final String STATUS =
      "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u10\n"
          + "Architecture: amd64\nSource: glibc\n\nPackage: tzdata\nStatus: install ok installed\n"
          + "Version: 2025b-0+deb12u1\nArchitecture: all\n";

  private LargeLayerScan() {}

  public static void main(String[] args) throws IOException {
    GeneratedTar layer =
        new GeneratedTar(
            List.of(
                header("usr/share/big.img", BIG_FILE_BYTES),
                new Segment(null, BIG_FILE_BYTES),
                new Segment(new byte[padding(BIG_FILE_BYTES)], padding(BIG_FILE_BYTES)),
                header("var/lib/dpkg/status", STATUS.length()),
                bytes(
                    Arrays.copyOf(
                        STATUS.getBytes(StandardCharsets.UTF_8),
                        STATUS.length() + padding(STATUS.length()))),
                bytes(new byte[1024])));
    LayerScan scan = LayerScanner.scan(layer);
    System.out.println("max heap " + Runtime.getRuntime().maxMemory());
    System.out.println("read " + layer.served + " bytes");
    scan.packageDatabases()
        .forEach(
            database ->
                database
                    .packages()
                    .forEach(
                        p ->
                            System.out.println(
                                "package "
                                    + database.path()
                                    + " "
                                    + p.name()
                                    + " "
                                    + p.version()
                                    + " "
                                    + p.arch())));
  }

  private static Segment header(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    return bytes(header);
  }

  private static Segment bytes(byte[] bytes) {
    return new Segment(bytes, bytes.length);
  }

  private static int padding(long size) {
    return (int) ((512 - size % 512) % 512);
  }

  /** {@code length} bytes: those of {@code bytes}, or zeros when {@code bytes} is null. */
  private record Segment(byte[] bytes, long length) {}

  private static final class GeneratedTar extends InputStream {
    private final List<Segment> segments;
    private int segment;
    private long offset;
    long served;

    GeneratedTar(List<Segment> segments) {
      this.segments = segments;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int len) {
      while (segment < segments.size() && offset == segments.get(segment).length()) {
        segment++;
        offset = 0;
      }
      if (segment == segments.size()) {
        return -1;
      }
      Segment current = segments.get(segment);
      int n = (int) Math.min(len, current.length() - offset);
      if (current.bytes() == null) {
        Arrays.fill(buffer, off, off + n, (byte) 0);
      } else {
        System.arraycopy(current.bytes(), (int) offset, buffer, off, n);
      }
      offset += n;
      served += n;
      return n;
    }
  }
}

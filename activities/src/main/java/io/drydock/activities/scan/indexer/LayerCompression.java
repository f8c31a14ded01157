package io.drydock.activities.scan.indexer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * A layer's compression, found by the blob's magic bytes, not its media type: a registry's
 * manifests name layers {@code tar+gzip} that are plain tars and the reverse, and OCI's {@code
 * tar+zstd} layers start with zstd's frame magic.
 */
enum LayerCompression {
  GZIP("gzip-compressed tar"),
  ZSTD("zstd-compressed tar"),
  NONE("tar archive");

  final String format;

  LayerCompression(String format) {
    this.format = format;
  }

  static LayerCompression probe(BufferedInputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /**
   * Every gzip member and every zstd frame is read, as a multi-member layer holds them one after
   * another.
   */
  InputStream decompressing(BufferedInputStream in) throws IOException {
    switch (this) {
      case GZIP:
        return new GzipCompressorInputStream(in, true);
      case ZSTD:
        return new ZstdCompressorInputStream(in);
      default:
        return in;
    }
  }
}

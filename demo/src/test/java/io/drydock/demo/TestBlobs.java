package io.drydock.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.legacy.LegacyStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Reading helpers shared by the legacy storage tests. */
final class TestBlobs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestBlobs() {}

  /** One tar entry as a scanner would see it. */
  record TarFile(
      String content, int mode, Instant modified, long userId, long groupId, boolean directory) {}

  /**
   * A layer's uncompressed tar: its entries in archive order, and its sha256 (the config's
   * diff_id).
   */
  record Layer(Map<String, TarFile> entries, Digest diffId) {}

  static JsonNode json(LegacyStorage storage, Digest digest) {
    try {
      return JSON.readTree(storage.readSmallBlob(digest, 1 << 20));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Digest sha256(InputStream in) {
    try (DigestInputStream digesting = new DigestInputStream(in, newSha256())) {
      digesting.transferTo(OutputStream.nullOutputStream());
      return new Digest("sha256", HexFormat.of().formatHex(digesting.getMessageDigest().digest()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Layer layer(LegacyStorage storage, Digest digest) {
    MessageDigest uncompressed = newSha256();
    Map<String, TarFile> entries = new LinkedHashMap<>();
    try (InputStream blob = storage.openBlob(digest);
        DigestInputStream tarBytes =
            new DigestInputStream(new GzipCompressorInputStream(blob), uncompressed);
        TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String content = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        entries.put(
            entry.getName(),
            new TarFile(
                content,
                entry.getMode(),
                entry.getModTime().toInstant(),
                entry.getLongUserId(),
                entry.getLongGroupId(),
                entry.isDirectory()));
      }
      // The tar reader stops at the end-of-archive marker; the diff_id covers the padding after it
      // too.
      tarBytes.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Layer(
        entries, new Digest("sha256", HexFormat.of().formatHex(uncompressed.digest())));
  }

  /** Every regular file under {@code root} by relative path, with the sha256 of its content. */
  static Map<String, Digest> fileDigests(Path root) {
    Map<String, Digest> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              file -> {
                try (InputStream in = Files.newInputStream(file)) {
                  digests.put(root.relativize(file).toString(), sha256(in));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digests;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

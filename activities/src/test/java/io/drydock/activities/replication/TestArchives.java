package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * TUF repository archives for tests, built entry by entry so that tests can also build broken ones.
 */
final class TestArchives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Entry> entries = new ArrayList<>();

  private record Entry(String name, byte[] bytes, boolean symlink) {}

  /** targets.json (under metadata/) listing the targets, and their files under targets/. */
  static TestArchives repository(String name, Map<String, byte[]> targets) {
    TestArchives archive =
        new TestArchives().file("metadata/targets.json", targetsJson(name, targets));
    targets.forEach((target, bytes) -> archive.file("targets/" + target, bytes));
    return archive;
  }

  static Map<String, byte[]> targets(String... namesAndContents) {
    Map<String, byte[]> targets = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      targets.put(namesAndContents[i], namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return targets;
  }

  /** TUF targets metadata as the spec lays it out, with {@code signed.custom.name}. */
  static byte[] targetsJson(String name, Map<String, byte[]> targets) {
    Map<String, Object> listed = new LinkedHashMap<>();
    targets.forEach(
        (target, bytes) ->
            listed.put(
                target, Map.of("length", bytes.length, "hashes", Map.of("sha256", sha256(bytes)))));
    Map<String, Object> signed = new LinkedHashMap<>();
    signed.put("_type", "targets");
    signed.put("spec_version", "1.0.31");
    signed.put("version", 1);
    signed.put("expires", "2030-01-01T00:00:00Z");
    signed.put("targets", listed);
    signed.put("custom", Map.of("name", name, "system_version", "1.0.0"));
    try {
      return JSON.writeValueAsBytes(Map.of("signed", signed, "signatures", List.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(LocalDepot.sha256Digest().digest(bytes));
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  TestArchives file(String name, byte[] bytes) {
    entries.add(new Entry(name, bytes, false));
    return this;
  }

  TestArchives file(String name, String text) {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  TestArchives symlink(String name, String target) {
    entries.add(new Entry(name, target.getBytes(StandardCharsets.UTF_8), true));
    return this;
  }

  TestArchives without(String name) {
    entries.removeIf(entry -> entry.name().equals(name));
    return this;
  }

  byte[] bytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Entry entry : entries) {
        ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.name());
        if (entry.symlink()) {
          zipEntry.setUnixMode(UnixStat.LINK_FLAG | 0777);
        }
        zip.putArchiveEntry(zipEntry);
        zip.write(entry.bytes());
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  InputStream stream() {
    return new ByteArrayInputStream(bytes());
  }
}

package io.drydock.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * TUF repositories as an operator uploads them: a zip in the layout of a consistent snapshot ({@code
 * metadata/<version>.targets.json}, each target's file under {@code targets/<sha256>.<name>}), with root metadata
 * beside it that Drydock ignores, and targets of random bytes from a seed.
 */
final class ReplicationArchives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplicationArchives() {}

  /** One target: its name in targets.json and its bytes. */
  record Target(String name, byte[] bytes) {
    String sha256() {
      return ReplicationArchives.sha256(bytes);
    }

    long length() {
      return bytes.length;
    }
  }

  /** A repository: its name, system version and targets, and the zip that uploads it. */
  record Repository(String name, String systemVersion, List<Target> targets) {
    List<String> artifacts() {
      return targets.stream().map(Target::sha256).distinct().sorted().toList();
    }

    long totalLength() {
      return targets.stream().mapToLong(Target::length).sum();
    }

    byte[] zip() {
      return ReplicationArchives.zip(this);
    }
  }

  /** {@code count} targets named {@code <prefix>-<i>.img}, each between {@code minBytes} and {@code maxBytes}. */
  static List<Target> randomTargets(Random random, String prefix, int count, int minBytes, int maxBytes) {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
      random.nextBytes(bytes);
      targets.add(new Target(prefix + "-" + i + ".img", bytes));
    }
    return targets;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] zip(Repository repository) {
    ObjectNode signed = JSON.createObjectNode();
    signed.put("_type", "targets").put("spec_version", "1.0.31").put("version", 1);
    signed.put("expires", "2030-01-01T00:00:00Z");
    signed.putObject("custom").put("name", repository.name()).put("system_version", repository.systemVersion());
    ObjectNode targets = signed.putObject("targets");
    for (Target target : repository.targets()) {
      ObjectNode entry = targets.putObject(target.name());
      entry.put("length", target.length());
      entry.putObject("hashes").put("sha256", target.sha256());
    }
    ObjectNode metadata = JSON.createObjectNode();
    metadata.set("signed", signed);
    metadata.putArray("signatures");
    ObjectNode root = JSON.createObjectNode();
    root.putObject("signed").put("_type", "root").put("version", 1);
    root.putArray("signatures");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      add(zip, "metadata/1.root.json", JSON.writeValueAsBytes(root));
      add(zip, "metadata/1.targets.json", JSON.writeValueAsString(metadata).getBytes(StandardCharsets.UTF_8));
      for (Target target : repository.targets()) {
        add(zip, "targets/" + target.sha256() + "." + target.name(), target.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void add(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}

package io.drydock.benchmarks.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.benchmarks.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The artifacts a benchmark round replicates: random bytes from a seed, as a TUF repository zip or
 * depot files.
 */
final class BenchmarkArtifacts {

  private BenchmarkArtifacts() {}

  record Artifact(String name, byte[] bytes, String sha256) {}

  static List<Artifact> generate(long seed, int count, int bytesEach) {
    Random random = new Random(seed);
    List<Artifact> artifacts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[bytesEach];
      random.nextBytes(bytes);
      artifacts.add(new Artifact(String.format("artifact-%03d.bin", i), bytes, sha256(bytes)));
    }
    return artifacts;
  }

  static List<String> hashes(List<Artifact> artifacts) {
    return artifacts.stream().map(Artifact::sha256).toList();
  }

  /**
   * The zip Drydock's upload takes: {@code targets.json} and each target under {@code targets/},
   * stored rather than deflated (random bytes do not compress, and the upload is not what is
   * measured).
   */
  static byte[] repositoryZip(String name, String systemVersion, List<Artifact> artifacts) {
    ObjectNode signed = Json.MAPPER.createObjectNode().put("_type", "targets").put("version", 1);
    signed.putObject("custom").put("name", name).put("system_version", systemVersion);
    ObjectNode targets = signed.putObject("targets");
    for (Artifact artifact : artifacts) {
      ObjectNode target = targets.putObject(artifact.name());
      target.put("length", artifact.bytes().length);
      target.putObject("hashes").put("sha256", artifact.sha256());
    }
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      out.setLevel(Deflater.NO_COMPRESSION);
      out.putNextEntry(new ZipEntry("targets.json"));
      out.write(
          Json.MAPPER.writeValueAsBytes(Json.MAPPER.createObjectNode().set("signed", signed)));
      out.closeEntry();
      for (Artifact artifact : artifacts) {
        out.putNextEntry(new ZipEntry("targets/" + artifact.name()));
        out.write(artifact.bytes());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip.toByteArray();
  }

  /** Writes each artifact to {@code <dir>/<sha256>}, as a depot keeps them. */
  static void writeDepot(Path dir, List<Artifact> artifacts) throws IOException {
    Files.createDirectories(dir);
    for (Artifact artifact : artifacts) {
      Files.write(dir.resolve(artifact.sha256()), artifact.bytes());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

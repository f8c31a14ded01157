package io.drydock.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.activities.replication.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * TUF repositories as an operator uploads them, in tufaceous's layout ({@code
 * repo/metadata/1.root.json}, {@code 1.targets.json}, {@code 1.snapshot.json}, {@code
 * timestamp.json}, each target's file under {@code repo/targets/<sha256>.<name>}), signed with one
 * ed25519 key per test JVM whose root {@link #trustedRoot()} writes for Drydock to trust; targets
 * of random bytes from a seed. Every repository is version 1, so uploads in any order (concurrent
 * ones included) are never a rollback of each other.
 */
public final class ReplicationArchives {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair KEYS = newKeys();
  private static final ObjectNode PUBLIC_KEY = publicKey(KEYS);
  private static final String KEY_ID = sha256(CanonicalJson.encode(PUBLIC_KEY));
  private static final ObjectNode ROOT = root();
  private static Path trustedRootFile;

  private ReplicationArchives() {}

  /** One target: its name in targets.json and its bytes. */
  public record Target(String name, byte[] bytes) {
    public String sha256() {
      return ReplicationArchives.sha256(bytes);
    }

    public long length() {
      return bytes.length;
    }
  }

  /** A repository: its name, system version and targets, and the zip that uploads it. */
  public record Repository(String name, String systemVersion, List<Target> targets) {
    public List<String> artifacts() {
      return targets.stream().map(Target::sha256).distinct().sorted().toList();
    }

    public long totalLength() {
      return targets.stream().mapToLong(Target::length).sum();
    }

    public byte[] zip() {
      return ReplicationArchives.zip(this);
    }
  }

  /**
   * {@code count} targets named {@code <prefix>-<i>.img}, each between {@code minBytes} and {@code
   * maxBytes}.
   */
  public static List<Target> randomTargets(
      Random random, String prefix, int count, int minBytes, int maxBytes) {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
      random.nextBytes(bytes);
      targets.add(new Target(prefix + "-" + i + ".img", bytes));
    }
    return targets;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The root the repositories are signed under, as a file for {@code drydock.tuf.trusted-root}. */
  public static synchronized Path trustedRoot() {
    if (trustedRootFile == null) {
      try {
        trustedRootFile = Files.createTempFile("drydock-test-trusted-root-", ".json");
        Files.write(trustedRootFile, JSON.writeValueAsBytes(signedDocument(ROOT)));
        trustedRootFile.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return trustedRootFile;
  }

  private static byte[] zip(Repository repository) {
    ObjectNode targetsSigned = signedPart("targets");
    targetsSigned
        .putObject("custom")
        .put("name", repository.name())
        .put("system_version", repository.systemVersion());
    ObjectNode targets = targetsSigned.putObject("targets");
    for (Target target : repository.targets()) {
      ObjectNode entry = targets.putObject(target.name());
      entry.put("length", target.length());
      entry.putObject("hashes").put("sha256", target.sha256());
    }
    try {
      byte[] targetsFile = JSON.writeValueAsBytes(signedDocument(targetsSigned));
      ObjectNode snapshotSigned = signedPart("snapshot");
      describe(snapshotSigned.putObject("meta").putObject("targets.json"), targetsFile);
      byte[] snapshotFile = JSON.writeValueAsBytes(signedDocument(snapshotSigned));
      ObjectNode timestampSigned = signedPart("timestamp");
      describe(timestampSigned.putObject("meta").putObject("snapshot.json"), snapshotFile);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        add(zip, "repo/metadata/1.root.json", JSON.writeValueAsBytes(signedDocument(ROOT)));
        add(zip, "repo/metadata/1.targets.json", targetsFile);
        add(zip, "repo/metadata/1.snapshot.json", snapshotFile);
        add(
            zip,
            "repo/metadata/timestamp.json",
            JSON.writeValueAsBytes(signedDocument(timestampSigned)));
        for (Target target : repository.targets()) {
          add(zip, "repo/targets/" + target.sha256() + "." + target.name(), target.bytes());
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode signedPart(String type) {
    ObjectNode signed = JSON.createObjectNode();
    signed
        .put("_type", type)
        .put("spec_version", "1.0.31")
        .put("version", 1)
        .put("expires", "2099-01-01T00:00:00Z");
    return signed;
  }

  private static void describe(ObjectNode meta, byte[] file) {
    meta.put("version", 1).put("length", file.length);
    meta.putObject("hashes").put("sha256", sha256(file));
  }

  /** {@code {"signed": ..., "signatures": [...]}}, signed over the canonical form as TUF signs. */
  private static ObjectNode signedDocument(ObjectNode signed) {
    ObjectNode document = JSON.createObjectNode();
    document.set("signed", signed);
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(KEYS.getPrivate());
      signer.update(CanonicalJson.encode(signed));
      document
          .putArray("signatures")
          .addObject()
          .put("keyid", KEY_ID)
          .put("sig", HexFormat.of().formatHex(signer.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return document;
  }

  /**
   * A root whose one ed25519 key holds every role, as {@code tufaceous} makes a repository with one
   * key.
   */
  private static ObjectNode root() {
    ObjectNode root = signedPart("root").put("consistent_snapshot", true);
    root.putObject("keys").set(KEY_ID, PUBLIC_KEY);
    ObjectNode roles = root.putObject("roles");
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      ObjectNode entry = roles.putObject(role);
      entry.putArray("keyids").add(KEY_ID);
      entry.put("threshold", 1);
    }
    return root;
  }

  private static KeyPair newKeys() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** TUF's ed25519 key: the 32 bytes that end the key's X.509 encoding, in hex. */
  private static ObjectNode publicKey(KeyPair keys) {
    byte[] encoded = keys.getPublic().getEncoded();
    ObjectNode key = JSON.createObjectNode().put("keytype", "ed25519").put("scheme", "ed25519");
    key.putObject("keyval")
        .put("public", HexFormat.of().formatHex(encoded, encoded.length - 32, encoded.length));
    return key;
  }

  private static void add(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}

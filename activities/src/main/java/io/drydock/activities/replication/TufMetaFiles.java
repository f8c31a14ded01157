package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The metadata files one TUF role names for the next (timestamp names snapshot.json, snapshot names
 * targets.json): which of the archive's files it is, and whether its version, length and hashes are
 * those named.
 */
final class TufMetaFiles {
  private TufMetaFiles() {}

  static long metaVersion(JsonNode meta, String in, String name) {
    JsonNode version = meta.path("version");
    if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
      throw mismatch(in + " names no version of " + name, in);
    }
    return version.asLong();
  }

  static void checkLengthAndHashes(JsonNode meta, byte[] bytes, String in, String name) {
    if (meta.has("length") && meta.path("length").asLong(-1) != bytes.length) {
      throw mismatch(
          in
              + " gives "
              + name
              + " a length of "
              + meta.path("length")
              + ", it has "
              + bytes.length,
          name);
    }
    for (Map.Entry<String, JsonNode> hash : meta.path("hashes").properties()) {
      String algorithm =
          hash.getKey().equals("sha256")
              ? "SHA-256"
              : hash.getKey().equals("sha512") ? "SHA-512" : null;
      if (algorithm != null
          && !hash.getValue().asText().equalsIgnoreCase(digest(algorithm, bytes))) {
        throw mismatch(in + " names another " + hash.getKey() + " for " + name, name);
      }
    }
  }

  private static String digest(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }

  /**
   * The file of the role's version that {@code namedBy} names: {@code <version>.<role>.json} in a
   * consistent snapshot, else {@code <role>.json}; either is taken, and the version it holds is
   * checked after. Another version's file alone is a mismatch.
   */
  static String named(
      Map<String, byte[]> files, boolean consistent, long version, String role, String namedBy) {
    String versioned = version + "." + role + ".json";
    String plain = role + ".json";
    String preferred = consistent ? versioned : plain;
    String other = consistent ? plain : versioned;
    if (files.containsKey(preferred) || files.containsKey(other)) {
      return files.containsKey(preferred) ? preferred : other;
    }
    List<String> present =
        files.keySet().stream()
            .filter(name -> name.matches("[0-9]+\\." + role + "\\.json"))
            .toList();
    if (!present.isEmpty()) {
      throw mismatch(
          namedBy + " names " + role + " version " + version + ", the archive holds " + present,
          namedBy);
    }
    throw new InvalidRepositoryException(
        Reason.METADATA_INVALID,
        "the archive holds no " + plain + " or " + versioned + " under metadata/",
        plain);
  }

  static byte[] required(Map<String, byte[]> files, String name) {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, "the archive holds no " + name + " under metadata/", name);
    }
    return bytes;
  }

  static InvalidRepositoryException mismatch(String message, String detail) {
    return new InvalidRepositoryException(Reason.VERSION_MISMATCH, message, detail);
  }
}

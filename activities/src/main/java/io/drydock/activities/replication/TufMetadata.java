package io.drydock.activities.replication;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.drydock.activities.Json;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * One TUF metadata file as {@link TufTrust} checks it: its signed part (and that part's canonical
 * bytes, which the signatures are over) and its signatures, read strictly (duplicate keys and
 * trailing tokens refuse it, as a signature could otherwise cover other content than the one acted
 * on).
 */
record TufMetadata(String name, JsonNode signed, byte[] canonicalSigned, JsonNode signatures) {
  private static final ObjectReader JSON =
      Json.MAPPER
          .reader()
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .with(
              DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
              DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  static TufMetadata parse(String name, byte[] bytes, String type) {
    JsonNode document;
    try {
      document = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, name + " is not valid JSON", name);
    }
    JsonNode signed = document.path("signed");
    if (!signed.isObject() || !type.equals(signed.path("_type").asText())) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID,
          name + " is not TUF " + type + " metadata: signed._type must be \"" + type + "\"",
          name);
    }
    if (!document.path("signatures").isArray()) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, name + " has no signatures list", name);
    }
    return new TufMetadata(name, signed, canonical(signed, name), document.path("signatures"));
  }

  TufMetadata(String name, JsonNode signed, byte[] canonicalSigned, JsonNode signatures) {
    this.name = name;
    this.signed = signed;
    this.canonicalSigned = canonicalSigned == null ? canonical(signed, name) : canonicalSigned;
    this.signatures = signatures == null ? JSON.createArrayNode() : signatures;
  }

  String canonicalHash() {
    return sha256(canonicalSigned);
  }

  /** {@code signed.version}, which must be a positive integer. */
  long version() {
    JsonNode version = signed.path("version");
    if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 1) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, name + ": signed.version must be a positive integer", name);
    }
    return version.asLong();
  }

  void checkNotExpired(Instant now) {
    String expires = signed.path("expires").asText("");
    Instant expiry;
    try {
      expiry = Instant.parse(expires);
    } catch (DateTimeParseException e) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, name + " has no valid expires time", expires);
    }
    if (!expiry.isAfter(now)) {
      throw new InvalidRepositoryException(
          Reason.METADATA_EXPIRED, name + " expired at " + expires, name);
    }
  }

  static byte[] canonical(JsonNode node, String name) {
    try {
      return CanonicalJson.encode(node);
    } catch (IllegalArgumentException e) {
      throw new InvalidRepositoryException(
          Reason.METADATA_INVALID, name + ": " + e.getMessage(), name);
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(LocalDepot.sha256Digest().digest(bytes));
  }
}

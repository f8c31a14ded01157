package io.drydock.activities.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.drydock.activities.Json;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A repository's targets metadata, {@code {"signed": {"_type": "targets", "version", "targets":
 * {"<name>": {"length", "hashes": {"sha256"}}}, "custom"}}}, read into what an upload stores: its
 * id (the sha256 of the file), its targets (each name safe as a path under {@code targets/}, each
 * with a length and a sha256, adding up to at most the upload limit), and {@code
 * signed.custom.name} and {@code system_version} when they are storable text.
 */
final class TargetsMetadata {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final ObjectReader JSON =
      Json.MAPPER
          .reader()
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private TargetsMetadata() {}

  static RepositoryManifest parse(byte[] metadata, String entryName, long maxUploadBytes) {
    JsonNode signed;
    try {
      signed = JSON.readTree(metadata).path("signed");
    } catch (IOException e) {
      String why =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw metadataInvalid(entryName + " is not valid JSON: " + why, entryName);
    }
    if (!signed.isObject() || !"targets".equals(signed.path("_type").asText())) {
      throw metadataInvalid(
          entryName + " is not TUF targets metadata: signed._type must be \"targets\"", entryName);
    }
    JsonNode version = signed.path("version");
    if (!version.isIntegralNumber() || !version.canConvertToLong()) {
      throw metadataInvalid("signed.version must be an integer", entryName);
    }
    JsonNode targets = signed.path("targets");
    if (!targets.isObject() || targets.isEmpty()) {
      throw metadataInvalid("signed.targets must list at least one target", entryName);
    }
    List<RepositoryTarget> listed = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, JsonNode> field : targets.properties()) {
      RepositoryTarget target = target(field.getKey(), field.getValue());
      if (target.length() > maxUploadBytes - total) {
        throw tooLarge("the targets add up to more than " + maxUploadBytes + " bytes");
      }
      total += target.length();
      listed.add(target);
    }
    JsonNode custom = signed.path("custom");
    return new RepositoryManifest(
        HexFormat.of().formatHex(LocalDepot.sha256Digest().digest(metadata)),
        customText(custom, "name"),
        customText(custom, "system_version"),
        version.asLong(),
        listed,
        null);
  }

  /** {@code signed.custom.<field>} when it is a string, which must be storable text; else null. */
  private static String customText(JsonNode custom, String field) {
    if (!custom.path(field).isTextual()) {
      return null;
    }
    String text = custom.path(field).asText();
    String name = "signed.custom." + field;
    if (text.length() > ArchivePaths.MAX_NAME_LENGTH) {
      throw metadataInvalid(
          name + " is longer than " + ArchivePaths.MAX_NAME_LENGTH + " characters", null);
    }
    StoredText.problem(name, text)
        .ifPresent(
            problem -> {
              throw metadataInvalid(problem, text);
            });
    return text;
  }

  private static RepositoryTarget target(String name, JsonNode description) {
    String problem = ArchivePaths.targetNameProblem(name);
    if (problem != null) {
      throw metadataInvalid("unsafe target name: " + problem, name);
    }
    JsonNode length = description.path("length");
    if (!length.isIntegralNumber() || !length.canConvertToLong() || length.asLong() < 0) {
      throw metadataInvalid("the target's length must be a non-negative integer", name);
    }
    JsonNode sha256 = description.path("hashes").path("sha256");
    if (!sha256.isTextual() || !SHA256.matcher(sha256.asText()).matches()) {
      throw metadataInvalid("the target needs hashes.sha256, 64 hex digits", name);
    }
    return new RepositoryTarget(name, sha256.asText().toLowerCase(Locale.ROOT), length.asLong());
  }

  private static InvalidRepositoryException tooLarge(String message) {
    return new InvalidRepositoryException(Reason.TOO_LARGE, message, null);
  }

  private static InvalidRepositoryException metadataInvalid(String message, String detail) {
    return new InvalidRepositoryException(Reason.METADATA_INVALID, message, detail);
  }
}

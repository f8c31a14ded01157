package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.Json;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The artifact manifest tufaceous puts in a repository as a target: {@code artifacts-v2.json}
 * ({@code {"system_version", "artifacts": [{"target_name", "version", "tags": {"kind", ...}}],
 * "metadata"}}, tufaceous lib/src/schema.rs) or the older {@code artifacts.json} ({@code
 * {"system_version", "artifacts": [{"name", "version", "kind", "target"}]}}, lib/src/repo/v1.rs).
 * Its {@code system_version} is the repository's; each artifact gives its target's kind and
 * version.
 */
final class TufaceousArtifacts {
  /** The manifests' target names, the one tufaceous reads first first. */
  static final List<String> TARGET_NAMES = List.of("artifacts-v2.json", "artifacts.json");

  private static final int MAX_BYTES = 16 * 1024 * 1024;
  private static final int MAX_TEXT_LENGTH = 1024;

  /** What a manifest says: the system version, and each described target's kind and version. */
  record Manifest(String systemVersion, Map<String, Description> byTarget) {}

  /** A target's kind and version; either may be null. */
  record Description(String kind, String version) {}

  private TufaceousArtifacts() {}

  /** Reads a manifest target whose bytes were already checked against the signed metadata. */
  static Manifest read(String targetName, Path file) {
    JsonNode document;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw invalid(targetName + " is larger than " + MAX_BYTES + " bytes", targetName);
      }
      document = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw invalid(targetName + " is not valid JSON", targetName);
    }
    String systemVersion =
        text(document.path("system_version"), targetName + " system_version", true);
    boolean v2 = targetName.equals(TARGET_NAMES.get(0));
    Map<String, Description> described = new LinkedHashMap<>();
    for (JsonNode artifact : document.path("artifacts")) {
      String target =
          text(artifact.path(v2 ? "target_name" : "target"), targetName + " artifact target", true);
      String kind =
          text(
              v2 ? artifact.path("tags").path("kind") : artifact.path("kind"),
              target + " kind",
              false);
      String version = text(artifact.path("version"), target + " version", false);
      described.put(target, new Description(kind, version));
    }
    return new Manifest(systemVersion, described);
  }

  /**
   * A string of 1 to {@value #MAX_TEXT_LENGTH} storable characters; null when absent and not
   * required.
   */
  private static String text(JsonNode node, String field, boolean required) {
    if (node.isMissingNode() && !required) {
      return null;
    }
    if (!node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_TEXT_LENGTH) {
      throw invalid(field + " must be a string of 1 to " + MAX_TEXT_LENGTH + " characters", field);
    }
    StoredText.problem(field, node.asText())
        .ifPresent(
            problem -> {
              throw invalid(problem, node.asText());
            });
    return node.asText();
  }

  private static InvalidRepositoryException invalid(String message, String detail) {
    return new InvalidRepositoryException(Reason.METADATA_INVALID, message, detail);
  }
}

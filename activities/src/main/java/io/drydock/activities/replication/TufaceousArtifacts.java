package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The artifact manifest tufaceous puts in a repository as a target: {@code artifacts-v2.json} ({@code
 * {"system_version", "artifacts": [{"target_name", "version", "tags"}], "metadata"}}, tufaceous lib/src/schema.rs)
 * or the older {@code artifacts.json} ({@code {"system_version", "artifacts": [{"name", "version", "kind",
 * "target"}]}}, lib/src/repo/v1.rs). Its {@code system_version} is the repository's.
 */
final class TufaceousArtifacts {
  /** The manifests' target names, the one tufaceous reads first first. */
  static final List<String> TARGET_NAMES = List.of("artifacts-v2.json", "artifacts.json");

  private static final int MAX_BYTES = 16 * 1024 * 1024;
  private static final int MAX_VERSION_LENGTH = 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TufaceousArtifacts() {}

  /** The manifest's system version, from a target whose bytes were already checked against the signed metadata. */
  static String systemVersion(String targetName, Path file) {
    JsonNode document;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw invalid(targetName + " is larger than " + MAX_BYTES + " bytes", targetName);
      }
      document = JSON.readTree(bytes);
    } catch (IOException e) {
      throw invalid(targetName + " is not valid JSON", targetName);
    }
    JsonNode version = document.path("system_version");
    if (!version.isTextual() || version.asText().isEmpty() || version.asText().length() > MAX_VERSION_LENGTH) {
      throw invalid(targetName + " has no system_version of 1 to " + MAX_VERSION_LENGTH + " characters", targetName);
    }
    StoredText.problem(targetName + " system_version", version.asText())
        .ifPresent(
            problem -> {
              throw invalid(problem, version.asText());
            });
    return version.asText();
  }

  private static InvalidRepositoryException invalid(String message, String detail) {
    return new InvalidRepositoryException(Reason.METADATA_INVALID, message, detail);
  }
}

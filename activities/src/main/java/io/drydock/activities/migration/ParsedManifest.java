package io.drydock.activities.migration;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.activities.Json;
import io.drydock.activities.legacy.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an image manifest or manifest list the registry database records. Docker schema 2
 * and OCI media types are accepted; schema 1 and unknown documents are refused so that nothing
 * half-understood is imported.
 *
 * <p>Public for the pre-import benchmark's baselines, which must parse exactly as the import does.
 */
public record ParsedManifest(
    String mediaType,
    int schemaVersion,
    BlobReference config,
    List<BlobReference> layers,
    List<Digest> children) {

  /** Manifests are small JSON documents; the GitLab registry refuses manifests above 4 MiB too. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  public record BlobReference(Digest digest, String mediaType, long size) {}

  public boolean isIndex() {
    return !children.isEmpty()
        || DOCKER_MANIFEST_LIST.equals(mediaType)
        || OCI_INDEX.equals(mediaType);
  }

  public static ParsedManifest parse(Digest digest, byte[] payload) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new InvalidLegacyDataException(
          "manifest " + digest + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidLegacyDataException("manifest " + digest + " is not a JSON object");
    }
    int schemaVersion = root.path("schemaVersion").asInt(0);
    if (schemaVersion != 2) {
      throw new InvalidLegacyDataException(
          "manifest "
              + digest
              + " has schemaVersion "
              + schemaVersion
              + "; only schema 2 and OCI are imported");
    }
    String mediaType = root.path("mediaType").asText("");
    if (mediaType.isEmpty()) {
      // OCI makes mediaType optional; the document's shape says which kind it is.
      mediaType = root.has("manifests") ? OCI_INDEX : OCI_MANIFEST;
    }
    return switch (mediaType) {
      case DOCKER_MANIFEST_LIST, OCI_INDEX -> {
        List<Digest> children = new ArrayList<>();
        for (JsonNode child : root.path("manifests")) {
          children.add(digestField(digest, child));
        }
        yield new ParsedManifest(mediaType, schemaVersion, null, List.of(), List.copyOf(children));
      }
      case DOCKER_MANIFEST, OCI_MANIFEST -> {
        JsonNode configNode = root.path("config");
        if (!configNode.isObject()) {
          throw new InvalidLegacyDataException("manifest " + digest + " has no config");
        }
        List<BlobReference> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
          layers.add(blobReference(digest, layer));
        }
        yield new ParsedManifest(
            mediaType,
            schemaVersion,
            blobReference(digest, configNode),
            List.copyOf(layers),
            List.of());
      }
      default ->
          throw new InvalidLegacyDataException(
              "manifest " + digest + " has unsupported media type " + mediaType);
    };
  }

  private static BlobReference blobReference(Digest manifest, JsonNode node) {
    long size = node.path("size").asLong(-1);
    if (size < 0) {
      throw new InvalidLegacyDataException(
          "manifest " + manifest + " references a blob without a valid size");
    }
    return new BlobReference(
        digestField(manifest, node), node.path("mediaType").asText(null), size);
  }

  private static Digest digestField(Digest manifest, JsonNode node) {
    try {
      return Digest.parse(node.path("digest").asText(""));
    } catch (IllegalArgumentException e) {
      throw new InvalidLegacyDataException(
          "manifest " + manifest + " references an invalid digest: " + e.getMessage());
    }
  }
}

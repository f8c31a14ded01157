package io.drydock.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.activities.legacy.Digest;

/**
 * Pushes into one repository: every blob gets the repository link the distribution would have
 * written.
 */
record Repository(LegacyTreeWriter tree, String path) {
  Repository {
    tree.requireRepositoryPath(path);
  }

  Descriptor layer(DemoLayer layer, String mediaType) {
    Digest digest = tree.putBlob(layer.compressed());
    tree.linkLayer(path, digest);
    return new Descriptor(mediaType, digest, layer.compressed().length);
  }

  Descriptor config(ObjectNode config, String mediaType) {
    byte[] content = bytes(config);
    Digest digest = tree.putBlob(content);
    tree.linkLayer(path, digest);
    return new Descriptor(mediaType, digest, content.length);
  }

  /** The manifest's media type is taken from the document, as the distribution does. */
  Descriptor manifest(ObjectNode manifest) {
    byte[] content = bytes(manifest);
    Digest digest = tree.putBlob(content);
    tree.linkRevision(path, digest);
    return new Descriptor(manifest.get("mediaType").asText(), digest, content.length);
  }

  void tag(String tag, Descriptor manifest) {
    tree.tag(path, tag, manifest.digest());
  }

  void recordTagHistory(String tag, Descriptor manifest) {
    tree.recordTagHistory(path, tag, manifest.digest());
  }

  static byte[] bytes(ObjectNode json) {
    try {
      return DemoLegacyStorage.JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an in-memory JSON tree could not be serialised", e);
    }
  }
}

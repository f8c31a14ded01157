package io.drydock.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.activities.legacy.Digest;

/** A blob as a manifest or an index refers to it. */
record Descriptor(String mediaType, Digest digest, long size) {
  ObjectNode toJson() {
    ObjectNode json = DemoLegacyStorage.JSON.createObjectNode();
    json.put("mediaType", mediaType);
    json.put("digest", digest.toString());
    json.put("size", size);
    return json;
  }
}

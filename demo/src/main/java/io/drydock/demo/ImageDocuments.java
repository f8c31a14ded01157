package io.drydock.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The JSON documents of an image: its config and its manifest, as {@code docker} writes them. */
final class ImageDocuments {
  private ImageDocuments() {}

  /**
   * An image config in the field order {@code docker} writes; {@code rootfs.diff_ids} name the
   * uncompressed tars.
   */
  static ObjectNode config(
      Platform platform,
      String created,
      ObjectNode runtime,
      List<History> history,
      List<DemoLayer> layers) {
    ObjectNode config = DemoLegacyStorage.JSON.createObjectNode();
    config.put("architecture", platform.architecture());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    config.set("config", runtime);
    config.put("created", created);
    ArrayNode historyJson = config.putArray("history");
    for (History step : history) {
      ObjectNode entry = historyJson.addObject();
      entry.put("created", step.created());
      entry.put("created_by", step.createdBy());
      if (step.emptyLayer()) {
        entry.put("empty_layer", true);
      }
    }
    config.put("os", "linux");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    for (DemoLayer layer : layers) {
      diffIds.add(layer.diffId().toString());
    }
    return config;
  }

  static ObjectNode imageManifest(String mediaType, Descriptor config, List<Descriptor> layers) {
    ObjectNode manifest = DemoLegacyStorage.JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", mediaType);
    manifest.set("config", config.toJson());
    ArrayNode layersJson = manifest.putArray("layers");
    for (Descriptor layer : layers) {
      layersJson.add(layer.toJson());
    }
    return manifest;
  }
}

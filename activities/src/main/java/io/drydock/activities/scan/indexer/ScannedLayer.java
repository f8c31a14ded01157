package io.drydock.activities.scan.indexer;

import io.drydock.activities.legacy.Digest;
import java.util.Objects;

/**
 * One layer of an image with its scan, as the {@link Coalescer} takes them.
 *
 * @param layerDigest {@code sha256:<hex>} of the layer blob, reported as {@link
 *     Environment#introducedIn()}
 */
public record ScannedLayer(String layerDigest, LayerScan scan) {
  public ScannedLayer {
    Digest.parse(layerDigest);
    Objects.requireNonNull(scan, "scan");
  }
}

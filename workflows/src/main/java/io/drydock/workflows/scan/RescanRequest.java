package io.drydock.workflows.scan;

/**
 * @param manifestDigest {@code sha256:<hex>} of an image manifest the registry imported
 * @param force index again even when the stored report is finished and made by the current scanner
 *     set
 */
public record RescanRequest(String manifestDigest, boolean force) {}

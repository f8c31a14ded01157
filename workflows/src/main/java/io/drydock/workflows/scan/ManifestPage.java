package io.drydock.workflows.scan;

import java.util.List;

/**
 * Image manifest digests in digest order; {@code next} is the cursor of the following page, null
 * after the last.
 */
public record ManifestPage(List<String> digests, String next) {}

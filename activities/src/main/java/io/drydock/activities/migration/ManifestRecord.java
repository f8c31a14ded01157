package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;

/** A manifest as read from the legacy storage, ready to be written. */
record ManifestRecord(Digest digest, byte[] payload, ParsedManifest parsed) {}

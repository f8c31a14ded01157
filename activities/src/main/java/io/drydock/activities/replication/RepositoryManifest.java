package io.drydock.activities.replication;

import java.util.List;

/** What a verified upload inserts: the repository's identity from its targets.json, and its targets by name. */
record RepositoryManifest(
    String id, String name, String systemVersion, long targetsVersion, List<RepositoryTarget> targets) {}

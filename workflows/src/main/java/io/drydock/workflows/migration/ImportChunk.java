package io.drydock.workflows.migration;

/**
 * What one pre-import activity did: tags {@code [from, nextTag)} of {@code totalTags} are recorded,
 * and the counts of what the repository holds now (for {@link MigrationActivities#importTags}, only
 * once {@code nextTag} reaches {@code totalTags}).
 */
public record ImportChunk(long nextTag, long totalTags, ImportCounts counts) {}

package io.drydock.workflows.migration;

/** What an import recorded: manifests (including children of indexes), distinct blobs, and tags. */
public record ImportCounts(long manifests, long blobs, long tags) {
  public static final ImportCounts NONE = new ImportCounts(0, 0, 0);
}

package io.drydock.activities.replication;

import static io.drydock.activities.replication.InvalidRepositoryException.invalidArchive;

import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * An uploaded archive's entries sorted by what they are, after the layout checks {@link
 * TufRepositoryUpload} describes: the metadata files by base name, the targets metadata among them,
 * and the files under {@code targets/} by their path below it. Nothing is read from an entry here,
 * only its name and kind.
 *
 * @param targetsMetadata the entries named {@code targets.json} or {@code <version>.targets.json}
 */
record ArchiveEntries(
    List<ZipArchiveEntry> targetsMetadata,
    Map<String, ZipArchiveEntry> metadataFiles,
    Map<String, ZipArchiveEntry> targetFiles) {
  private static final String TARGETS_DIRECTORY = ArchivePaths.TARGETS_DIRECTORY;
  private static final Pattern TARGETS_METADATA =
      Pattern.compile("(metadata/)?([0-9]+\\.)?targets\\.json");
  private static final Pattern OTHER_METADATA = Pattern.compile("(metadata/)?[^/]+\\.json");

  /**
   * @throws InvalidRepositoryException for the first entry the layout does not allow
   */
  static ArchiveEntries sort(ZipFile zip, int maxEntries) {
    List<ZipArchiveEntry> targetsMetadata = new ArrayList<>();
    Map<String, ZipArchiveEntry> metadataFiles = new TreeMap<>();
    Map<String, ZipArchiveEntry> targetFiles = new TreeMap<>();
    Set<String> names = new HashSet<>();
    List<ZipArchiveEntry> all = new ArrayList<>();
    for (Enumeration<ZipArchiveEntry> listed = zip.getEntries(); listed.hasMoreElements(); ) {
      all.add(listed.nextElement());
      if (all.size() > maxEntries) {
        throw tooManyEntries(maxEntries);
      }
    }
    String top = topFolder(all);
    for (ZipArchiveEntry entry : all) {
      String problem = ArchivePaths.entryNameProblem(entry.getName());
      if (problem != null) {
        throw invalidArchive("unsafe entry name: " + problem, entry.getName());
      }
      String name = entry.getName().substring(top.length());
      if (name.isEmpty()) {
        continue;
      }
      if (entry.isUnixSymlink()) {
        throw invalidArchive("symbolic links are not allowed", name);
      }
      if (!names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name)) {
        throw invalidArchive("the archive holds this entry twice", name);
      }
      if (entry.isDirectory()) {
        continue;
      }
      if (!zip.canReadEntryData(entry)) {
        throw invalidArchive("entry is encrypted or uses an unsupported compression method", name);
      }
      if (name.startsWith(TARGETS_DIRECTORY)) {
        targetFiles.put(name.substring(TARGETS_DIRECTORY.length()), entry);
        continue;
      }
      if (!OTHER_METADATA.matcher(name).matches()) {
        throw invalidArchive(
            "unexpected entry: only TUF metadata (*.json at the top or under metadata/) and targets/ are allowed",
            name);
      }
      String baseName = name.substring(name.lastIndexOf('/') + 1);
      ZipArchiveEntry sameName = metadataFiles.put(baseName, entry);
      if (sameName != null) {
        throw new InvalidRepositoryException(
            Reason.METADATA_INVALID,
            "the archive holds more than one metadata file named " + baseName,
            String.join(", ", new TreeSet<>(List.of(sameName.getName(), name))));
      }
      if (TARGETS_METADATA.matcher(name).matches()) {
        targetsMetadata.add(entry);
      }
    }
    return new ArchiveEntries(targetsMetadata, metadataFiles, targetFiles);
  }

  static InvalidRepositoryException tooManyEntries(int maxEntries) {
    return invalidArchive("the archive has more than " + maxEntries + " entries", null);
  }

  /**
   * The one folder every entry is under, as tufaceous zips a repository ({@code repo/metadata/...},
   * {@code repo/targets/...}), with its slash; else empty.
   */
  private static String topFolder(List<ZipArchiveEntry> entries) {
    String first = null;
    for (ZipArchiveEntry entry : entries) {
      int slash = entry.getName().indexOf('/');
      if (slash <= 0) {
        return "";
      }
      String folder = entry.getName().substring(0, slash + 1);
      if (first == null) {
        first = folder;
      } else if (!first.equals(folder)) {
        return "";
      }
    }
    return first == null || first.equals("metadata/") || first.equals(TARGETS_DIRECTORY)
        ? ""
        : first;
  }

  /**
   * Each target's file; every file must be a listed target's, and every target must have exactly
   * one.
   */
  Map<RepositoryTarget, ZipArchiveEntry> filesOf(List<RepositoryTarget> targets) {
    Map<String, RepositoryTarget> byName = new LinkedHashMap<>();
    targets.forEach(target -> byName.put(target.name(), target));
    Map<RepositoryTarget, ZipArchiveEntry> matched = new LinkedHashMap<>();
    targetFiles.forEach(
        (path, entry) -> {
          RepositoryTarget target =
              byName.containsKey(path) ? byName.get(path) : consistentSnapshotTarget(path, byName);
          if (target == null) {
            throw invalidArchive(
                "the file is not a target listed in the targets metadata", entry.getName());
          }
          if (matched.put(target, entry) != null) {
            throw new InvalidRepositoryException(
                Reason.TARGET_INVALID, "the archive holds two files for the target", target.name());
          }
        });
    for (RepositoryTarget target : targets) {
      if (!matched.containsKey(target)) {
        throw new InvalidRepositoryException(
            Reason.TARGET_INVALID,
            "the target listed in the targets metadata is missing from targets/",
            target.name());
      }
    }
    return matched;
  }

  /**
   * The target a file named {@code <dir>/<sha256>.<name>} stands for, if its hash is that target's.
   */
  private static RepositoryTarget consistentSnapshotTarget(
      String path, Map<String, RepositoryTarget> byName) {
    int slash = path.lastIndexOf('/');
    String base = path.substring(slash + 1);
    if (base.length() < 66 || base.charAt(64) != '.') {
      return null;
    }
    RepositoryTarget target = byName.get(path.substring(0, slash + 1) + base.substring(65));
    return target != null && target.sha256().equals(base.substring(0, 64)) ? target : null;
  }
}

package io.drydock.activities.replication;

import static io.drydock.activities.replication.InvalidRepositoryException.invalidArchive;

import io.drydock.activities.replication.ArchiveStream.ArchiveReadException;
import io.drydock.activities.replication.InvalidRepositoryException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Verifies an uploaded TUF repository (a zip archive) and stores it: its artifacts in the local
 * depot, the repository and its targets in the database, in that order, so that the database never
 * names an artifact the depot does not hold.
 *
 * <p>Everything may sit under one top folder (tufaceous zips {@code repo/}). Metadata files ({@code
 * *.json}) lie at the top or under {@code metadata/}; with a trusted root, {@link TufTrust}
 * verifies them and names the targets metadata; without one (and unsigned uploads allowed) the
 * archive must hold exactly one, {@code targets.json} or {@code <version>.targets.json} ({@link
 * TargetsMetadata} reads it). Every target's file is under {@code targets/}, named as the target
 * or, in a consistent snapshot, {@code <sha256>.<name>} (the hash before the last path segment). A
 * tufaceous manifest among the targets gives the system version and the artifacts' kinds ({@link
 * TufaceousArtifacts}). Refused, with nothing kept: a file that is not a zip, an entry name {@link
 * ArchivePaths} refuses, a symbolic link, a duplicate entry, two metadata files of one name, more
 * entries than allowed, any other file, a file under {@code targets/} that the targets metadata
 * does not list, a target without a file or with two, and a target whose bytes do not have the
 * listed length and sha256. {@link ArchiveEntries} checks the layout; this class reads, verifies
 * and stores.
 *
 * <p>The body is spooled to a file under the depot (never held in memory) and read with the zip's
 * central directory. The archive, and the total length of the targets it lists, must each be at
 * most {@code maxUploadBytes}; every target is read at most one byte past its listed length, so a
 * compressed entry cannot expand beyond that.
 */
public final class TufRepositoryUpload {
  /** targets.json itself is read into memory to be hashed and parsed. */
  private static final int MAX_METADATA_BYTES = 16 * 1024 * 1024;

  /**
   * Central directory bytes allowed per permitted entry: a directory entry is 46 bytes plus its
   * name and extra fields, and names are at most {@link ArchivePaths#MAX_NAME_LENGTH}.
   */
  private static final long CENTRAL_DIRECTORY_BYTES_PER_ENTRY =
      46 + ArchivePaths.MAX_NAME_LENGTH + 512;

  private final ArtifactStore store;
  private final LocalDepot depot;
  private final long maxUploadBytes;
  private final int maxEntries;
  private final TufTrust trust;
  private final boolean allowUnsigned;

  /**
   * @param trust the trusted roots; with one or more, every upload's signatures are verified
   * @param allowUnsigned without a trusted root: take archives unverified (the quick start's demo)
   *     rather than refuse
   */
  TufRepositoryUpload(
      ArtifactStore store,
      LocalDepot depot,
      long maxUploadBytes,
      int maxEntries,
      TufTrust trust,
      boolean allowUnsigned) {
    this.store = store;
    this.depot = depot;
    this.maxUploadBytes = maxUploadBytes;
    this.maxEntries = maxEntries;
    this.trust = trust;
    this.allowUnsigned = allowUnsigned;
  }

  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /**
   * Verifies the archive read from {@code body} and stores the repository; a repository uploaded
   * before is recognised by the hash of its targets.json and left as it is.
   *
   * @throws InvalidRepositoryException when the archive is refused; nothing was kept or inserted
   */
  public UploadOutcome upload(InputStream body) {
    Path archive = spool(body);
    List<LocalDepot.Staged> staged = new ArrayList<>();
    try {
      RepositoryManifest manifest;
      try (ZipFile zip = open(archive)) {
        manifest = verify(zip, staged);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the spooled archive " + archive, e);
      }
      return store.insert(manifest, staged);
    } finally {
      staged.forEach(depot::discard);
      LocalDepot.deleteQuietly(archive);
    }
  }

  private Path spool(InputStream body) {
    Path archive;
    try {
      archive = depot.newStagingFile("upload-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a staging file in the depot", e);
    }
    try (OutputStream out = Files.newOutputStream(archive)) {
      long copied = LocalDepot.copy(new ArchiveStream(body), out, maxUploadBytes + 1);
      if (copied > maxUploadBytes) {
        throw tooLarge("the archive is larger than " + maxUploadBytes + " bytes");
      }
      return archive;
    } catch (ArchiveReadException e) {
      LocalDepot.deleteQuietly(archive);
      throw new InvalidRepositoryException(
          Reason.INCOMPLETE, "the upload ended early", e.getMessage());
    } catch (IOException e) {
      LocalDepot.deleteQuietly(archive);
      throw new UncheckedIOException("cannot spool the upload to " + archive, e);
    } catch (RuntimeException e) {
      LocalDepot.deleteQuietly(archive);
      throw e;
    }
  }

  private ZipFile open(Path archive) {
    try {
      OptionalLong centralDirectory = ZipCentralDirectory.length(archive);
      if (centralDirectory.isEmpty()) {
        throw invalidArchive("the upload is not a zip archive", null);
      }
      if (centralDirectory.getAsLong() > maxEntries * CENTRAL_DIRECTORY_BYTES_PER_ENTRY) {
        throw ArchiveEntries.tooManyEntries(maxEntries);
      }
      return ZipFile.builder().setPath(archive).get();
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidRepositoryException refused) {
        throw refused;
      }
      throw invalidArchive("the upload is not a readable zip archive", e.getMessage());
    }
  }

  private RepositoryManifest verify(ZipFile zip, List<LocalDepot.Staged> staged) {
    if (!trust.hasTrustedRoot() && !allowUnsigned) {
      throw new InvalidRepositoryException(
          Reason.TUF_ROOT_NOT_CONFIGURED,
          "no trusted TUF root is configured (DRYDOCK_TUF_TRUSTED_ROOT), so no upload can be verified",
          null);
    }
    ArchiveEntries entries = ArchiveEntries.sort(zip, maxEntries);
    List<ZipArchiveEntry> targetsMetadata = entries.targetsMetadata();
    RepositoryManifest manifest;
    if (trust.hasTrustedRoot()) {
      Map<String, byte[]> metadata = new TreeMap<>();
      entries
          .metadataFiles()
          .forEach((name, entry) -> metadata.put(name, readMetadata(zip, entry)));
      TufTrust.Verified verified = trust.verify(metadata);
      manifest =
          TargetsMetadata.parse(
                  verified.targets(), verified.targetsVersion() + ".targets.json", maxUploadBytes)
              .accepted(
                  new RepositoryManifest.AcceptedVersions(
                      verified.trustedRootId(),
                      verified.rootVersion(),
                      verified.snapshotVersion(),
                      verified.targetsVersion()));
    } else {
      if (targetsMetadata.size() != 1) {
        throw new InvalidRepositoryException(
            Reason.METADATA_INVALID,
            targetsMetadata.isEmpty()
                ? "the archive holds no targets metadata (targets.json or metadata/[<version>.]targets.json)"
                : "the archive holds more than one targets metadata file",
            targetsMetadata.stream()
                .map(ZipArchiveEntry::getName)
                .reduce((a, b) -> a + ", " + b)
                .orElse(null));
      }
      manifest =
          TargetsMetadata.parse(
              readMetadata(zip, targetsMetadata.get(0)),
              targetsMetadata.get(0).getName(),
              maxUploadBytes);
    }
    Map<String, LocalDepot.Staged> byName = new TreeMap<>();
    for (Map.Entry<RepositoryTarget, ZipArchiveEntry> file :
        entries.filesOf(manifest.targets()).entrySet()) {
      byName.put(file.getKey().name(), stage(zip, file.getValue(), file.getKey(), staged));
    }
    for (String artifacts : TufaceousArtifacts.TARGET_NAMES) {
      if (byName.containsKey(artifacts)) {
        return manifest.describedBy(
            TufaceousArtifacts.read(artifacts, byName.get(artifacts).file()));
      }
    }
    return manifest;
  }

  private byte[] readMetadata(ZipFile zip, ZipArchiveEntry entry) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (InputStream in = entryStream(zip, entry)) {
      if (LocalDepot.copy(in, bytes, MAX_METADATA_BYTES + 1L) > MAX_METADATA_BYTES) {
        throw new InvalidRepositoryException(
            Reason.METADATA_INVALID,
            "targets metadata is larger than " + MAX_METADATA_BYTES + " bytes",
            entry.getName());
      }
    } catch (IOException e) {
      throw invalidArchive("cannot read the entry: " + e.getMessage(), entry.getName());
    }
    return bytes.toByteArray();
  }

  private LocalDepot.Staged stage(
      ZipFile zip, ZipArchiveEntry entry, RepositoryTarget target, List<LocalDepot.Staged> staged) {
    LocalDepot.Staged file;
    try (InputStream in = entryStream(zip, entry)) {
      file = depot.stage(in, target.length());
    } catch (ArchiveReadException e) {
      throw invalidArchive("cannot read the entry: " + e.getMessage(), entry.getName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage target " + target.name() + " in the depot", e);
    }
    staged.add(file);
    if (file.length() != target.length()) {
      throw new InvalidRepositoryException(
          Reason.TARGET_INVALID,
          (file.length() > target.length()
                  ? "the target's file is longer than"
                  : "the target's file is shorter than")
              + " the "
              + target.length()
              + " bytes the targets metadata lists",
          target.name());
    }
    if (!file.sha256().equals(target.sha256())) {
      throw new InvalidRepositoryException(
          Reason.TARGET_INVALID,
          "the target's file has sha256 "
              + file.sha256()
              + ", the targets metadata lists "
              + target.sha256(),
          target.name());
    }
    return file;
  }

  private static InputStream entryStream(ZipFile zip, ZipArchiveEntry entry) {
    try {
      return new ArchiveStream(zip.getInputStream(entry));
    } catch (IOException | RuntimeException e) {
      throw invalidArchive("cannot read the entry: " + e.getMessage(), entry.getName());
    }
  }

  private static InvalidRepositoryException tooLarge(String message) {
    return new InvalidRepositoryException(Reason.TOO_LARGE, message, null);
  }
}

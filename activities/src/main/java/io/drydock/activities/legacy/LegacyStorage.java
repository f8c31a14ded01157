package io.drydock.activities.legacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a CNCF distribution (Docker registry v2) filesystem tree. The root is the directory that
 * contains {@code docker/}. Nothing is ever written and no state is kept besides the root, so one
 * instance serves any number of threads.
 *
 * <p>Repository paths and tags are validated before they touch the filesystem: anything that could
 * leave the root ({@code ..}, absolute paths, backslashes, empty components) is refused with {@link
 * IllegalArgumentException}. Failing IO is reported as {@link UncheckedIOException} naming the
 * path; content that breaks the layout's rules (a link file that holds no digest, a blob over the
 * caller's size limit) as {@link IllegalStateException} naming the path. Directories the layout
 * allows to be absent (a repository without tags, say) read as empty.
 */
public final class LegacyStorage {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyStorage.class);
  // A link holds "sha256:" and 64 hex digits; anything much longer is not a link, so it is not read
  // in full.
  private static final int MAX_LINK_BYTES = 256;
  private static final Set<String> REPOSITORY_DATA_DIRS =
      Set.of("_manifests", "_layers", "_uploads");

  private final LegacyLayout layout;

  /**
   * @throws IllegalArgumentException if {@code root} has no {@code docker/registry/v2} directory,
   *     which almost always means the root was set one level too high or too low
   */
  public LegacyStorage(Path root) {
    this.layout = new LegacyLayout(Objects.requireNonNull(root, "root"));
    if (!Files.isDirectory(layout.registryDir())) {
      throw new IllegalArgumentException(
          "no "
              + layout.registryDir()
              + " directory: the legacy storage root must be the directory that contains"
              + " docker/");
    }
  }

  public boolean repositoryExists(String repositoryPath) {
    return Files.isDirectory(layout.manifestsDir(repositoryPath));
  }

  /** The repository's tags in {@link String#compareTo} order. */
  public List<String> tags(String repositoryPath) {
    List<String> tags = new ArrayList<>();
    forEachEntry(
        layout.tagsDir(repositoryPath),
        entry -> {
          if (isTagDirectory(entry)) {
            tags.add(entry.getFileName().toString());
          }
        });
    tags.sort(Comparator.naturalOrder());
    return List.copyOf(tags);
  }

  /**
   * The repository's tags in directory order, read from the directory as the stream is consumed,
   * which the caller must close: a million tags cost no more memory than ten. Two reads of a
   * directory nobody changed in between give the same order, so a position in it can be resumed
   * from.
   */
  public Stream<String> streamTags(String repositoryPath) {
    DirectoryStream<Path> entries;
    Path dir = layout.tagsDir(repositoryPath);
    try {
      entries = Files.newDirectoryStream(dir);
    } catch (NoSuchFileException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return StreamSupport.stream(entries.spliterator(), false)
        .onClose(() -> closeListing(dir, entries))
        .filter(LegacyStorage::isTagDirectory)
        .map(entry -> entry.getFileName().toString());
  }

  private static boolean isTagDirectory(Path entry) {
    if (!LegacyLayout.isTag(entry.getFileName().toString())) {
      LOG.warn("ignoring {}: not a valid tag name", entry);
      return false;
    }
    return Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
  }

  private static void closeListing(Path dir, DirectoryStream<Path> entries) {
    try {
      entries.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the listing of " + dir, e);
    }
  }

  /** The manifest the tag currently points at, or empty if the tag has no {@code current/link}. */
  public Optional<Digest> tagTarget(String repositoryPath, String tag) {
    return readLink(layout.tagCurrentLink(repositoryPath, tag));
  }

  /**
   * Calls {@code consumer} with every manifest revision of the repository, in directory order,
   * without holding the list: repositories with 100,000 revisions exist. As the distribution does,
   * a revision is a directory named by its digest that holds a {@code link} file; the link's
   * content is not read.
   */
  public void forEachManifestRevision(String repositoryPath, Consumer<Digest> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    forEachEntry(
        layout.revisionsDir(repositoryPath),
        entry -> {
          String name = entry.getFileName().toString();
          if (!Digest.isSha256Hex(name)) {
            LOG.warn("ignoring {}: not named by a sha256 digest", entry);
          } else if (Files.isRegularFile(entry.resolve("link"))) {
            consumer.accept(new Digest(Digest.SHA256, name));
          }
        });
  }

  public boolean hasManifestRevision(String repositoryPath, Digest digest) {
    return Files.isRegularFile(
        layout.revisionLink(repositoryPath, Objects.requireNonNull(digest, "digest")));
  }

  public boolean hasLayerLink(String repositoryPath, Digest digest) {
    return Files.isRegularFile(
        layout.layerLink(repositoryPath, Objects.requireNonNull(digest, "digest")));
  }

  public boolean blobExists(Digest digest) {
    return Files.isRegularFile(layout.blobData(Objects.requireNonNull(digest, "digest")));
  }

  public long blobSize(Digest digest) {
    Path data = layout.blobData(Objects.requireNonNull(digest, "digest"));
    try {
      return Files.size(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of blob " + digest + " at " + data, e);
    }
  }

  /**
   * The whole blob, for manifests and configs.
   *
   * @throws IllegalStateException if the blob is larger than {@code maxBytes}; it is never read
   *     past that limit
   */
  public byte[] readSmallBlob(Digest digest, int maxBytes) {
    if (maxBytes < 0 || maxBytes == Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxBytes must be between 0 and " + (Integer.MAX_VALUE - 1) + ": " + maxBytes);
    }
    Path data = layout.blobData(Objects.requireNonNull(digest, "digest"));
    byte[] bytes;
    try {
      bytes = readAtMost(data, maxBytes + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + digest + " at " + data, e);
    }
    if (bytes.length > maxBytes) {
      throw new IllegalStateException(
          "blob " + digest + " at " + data + " is larger than the limit of " + maxBytes + " bytes");
    }
    return bytes;
  }

  /** The blob's content as a stream the caller must close. */
  public InputStream openBlob(Digest digest) {
    Path data = layout.blobData(Objects.requireNonNull(digest, "digest"));
    try {
      return Files.newInputStream(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open blob " + digest + " at " + data, e);
    }
  }

  /**
   * Calls {@code consumer} with the path of every repository: every directory under {@code
   * repositories/} that holds {@code _manifests}. Namespaces may themselves be repositories, so the
   * walk goes on below a repository, but never into its data directories, which hold the bulk of
   * the files. The order is depth first with siblings sorted by name, so that it is the same on
   * every run. Symbolic links are not followed, and directories whose names are not valid path
   * components are skipped with a warning.
   */
  public void forEachRepository(Consumer<String> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    walkRepositories(layout.repositoriesDir(), "", consumer);
  }

  private void walkRepositories(Path dir, String prefix, Consumer<String> consumer) {
    // One directory level of names: small, and sorting it is what makes the order stable.
    List<Path> children = new ArrayList<>();
    forEachEntry(
        dir,
        entry -> {
          if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
              && !REPOSITORY_DATA_DIRS.contains(entry.getFileName().toString())) {
            children.add(entry);
          }
        });
    children.sort(Comparator.comparing(child -> child.getFileName().toString()));
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (!LegacyLayout.isRepositoryComponent(name)) {
        LOG.warn("ignoring {}: not a valid repository path component", child);
        continue;
      }
      String path = prefix.isEmpty() ? name : prefix + "/" + name;
      if (Files.isDirectory(child.resolve("_manifests"), LinkOption.NOFOLLOW_LINKS)) {
        consumer.accept(path);
      }
      walkRepositories(child, path, consumer);
    }
  }

  private Optional<Digest> readLink(Path link) {
    byte[] bytes;
    try {
      bytes = readAtMost(link, MAX_LINK_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read link " + link, e);
    }
    if (bytes.length > MAX_LINK_BYTES) {
      throw new IllegalStateException(
          "link " + link + " is longer than " + MAX_LINK_BYTES + " bytes");
    }
    // As strict as the distribution itself, which parses the content without trimming it.
    try {
      return Optional.of(Digest.parse(new String(bytes, StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "link " + link + " does not hold a digest: " + e.getMessage(), e);
    }
  }

  private static byte[] readAtMost(Path file, int limit) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(limit);
    }
  }

  /** Streams the entries of {@code dir}; a missing directory has none. */
  private static void forEachEntry(Path dir, Consumer<Path> action) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        action.accept(entry);
      }
    } catch (NoSuchFileException e) {
      // The distribution creates directories only when it first writes into them: absent means
      // empty.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    } catch (DirectoryIteratorException e) {
      throw new UncheckedIOException("cannot list " + dir, e.getCause());
    }
  }
}

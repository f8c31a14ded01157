package io.drydock.activities.migration;

import io.drydock.activities.legacy.Digest;
import io.drydock.workflows.migration.ImportCounts;
import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.RepositoryPaths;
import io.drydock.workflows.migration.StatusTransition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The registry database's repositories and their imported metadata. Every status change is a single compare-and-set
 * statement on (path, expected status, owner token); every batch of imported rows is written in a transaction that
 * first checks, under a share lock, that the writing run still owns the repository.
 */
public final class RegistryStore {
  private static final String REPOSITORY_COLUMNS =
      "id, path, name, migration_status, migration_error, owner_token, import_type, owner_closed, canceled_at,"
          + " progress_done, progress_total, updated_at";
  /** Serialises claims across API replicas while they count the imports in progress. */
  private static final long CLAIM_LOCK = 0x64727964L;

  /** The statuses GitLab Rails acts on; it canceled the others itself. */
  private static final Set<MigrationStatus> NOTIFIED_STATUSES =
      Set.of(
          MigrationStatus.PRE_IMPORT_COMPLETE,
          MigrationStatus.PRE_IMPORT_FAILED,
          MigrationStatus.IMPORT_COMPLETE,
          MigrationStatus.IMPORT_FAILED);

  private static final String CLAIM_CONDITION =
      """
      repositories.migration_status IN (:allowed)
         AND (repositories.owner_closed OR repositories.canceled_at IS NULL
              OR repositories.canceled_at <= now() - make_interval(secs => :graceSeconds))""";

  /** Digests per IN list: keeps statements well under PostgreSQL's bind parameter limit. */
  private static final int LOOKUP_CHUNK = 1000;

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate transactions;

  public RegistryStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.batches = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  public Optional<RepositoryState> find(String path) {
    return jdbc.sql("SELECT " + REPOSITORY_COLUMNS + " FROM repositories WHERE path = :path")
        .param("path", path)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  /**
   * Claims the repository for a run of {@code type}: moves it to the type's in-progress status owned by {@code
   * ownerToken} (creating the row for a first pre-import), in one transaction that also enforces the concurrency
   * limit and the cancel grace window. Claims on every replica serialise on one advisory lock, so the limit holds
   * across replicas.
   */
  public ClaimOutcome claim(String path, ImportType type, String ownerToken, ClaimLimits limits) {
    // A burst of PUTs beyond the limit is refused before it queues for the claim lock: each waiter would hold a
    // pooled connection until its turn, and 60 at once left the pool none for the imports in progress (503s).
    if (limits.maxConcurrentImports() > 0 && importsInProgress() >= limits.maxConcurrentImports()) {
      return new ClaimOutcome.RateLimited(limits.maxConcurrentImports());
    }
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", CLAIM_LOCK).query(Object.class).single();
          if (limits.maxConcurrentImports() > 0 && importsInProgress() >= limits.maxConcurrentImports()) {
            return new ClaimOutcome.RateLimited(limits.maxConcurrentImports());
          }
          Optional<RepositoryState> claimed =
              type == ImportType.PRE
                  ? claimPreImport(path, ownerToken, limits)
                  : claimFinalImport(path, ownerToken, limits);
          if (claimed.isPresent()) {
            return new ClaimOutcome.Claimed(claimed.get());
          }
          Optional<RepositoryState> now = find(path);
          if (now.isPresent() && isWithinGraceWindow(now.get(), limits)) {
            return new ClaimOutcome.NotReady(now.get());
          }
          return new ClaimOutcome.Refused(now);
        });
  }

  private long importsInProgress() {
    return jdbc.sql(
            "SELECT count(*) FROM repositories WHERE migration_status IN ('pre_import_in_progress', 'import_in_progress')")
        .query(Long.class)
        .single();
  }

  private Optional<RepositoryState> claimPreImport(String path, String ownerToken, ClaimLimits limits) {
    return jdbc.sql(
            """
            INSERT INTO repositories (path, name, migration_status, owner_token, import_type, owner_closed, claimed_at)
            VALUES (:path, :name, :next, :token, 'pre', FALSE, now())
            ON CONFLICT (path) DO UPDATE
               SET migration_status = EXCLUDED.migration_status, migration_error = NULL,
                   owner_token = EXCLUDED.owner_token, import_type = 'pre', owner_closed = FALSE,
                   canceled_at = NULL, progress_done = NULL, progress_total = NULL, claimed_at = now(),
                   updated_at = now()
             WHERE\s"""
                + CLAIM_CONDITION
                + "\nRETURNING "
                + REPOSITORY_COLUMNS)
        .param("path", path)
        .param("name", RepositoryPaths.name(path))
        .param("next", MigrationStatus.PRE_IMPORT_IN_PROGRESS.wireValue())
        .param("token", ownerToken)
        .param("allowed", wireValues(MigrationStatus.preImportAllowedFrom()))
        .param("graceSeconds", limits.cancelGrace().toMillis() / 1000.0)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  private Optional<RepositoryState> claimFinalImport(String path, String ownerToken, ClaimLimits limits) {
    return jdbc.sql(
            """
            UPDATE repositories
               SET migration_status = :next, migration_error = NULL, owner_token = :token, import_type = 'final',
                   owner_closed = FALSE, canceled_at = NULL, progress_done = NULL, progress_total = NULL,
                   claimed_at = now(), updated_at = now()
             WHERE path = :path AND\s"""
                + CLAIM_CONDITION
                + "\nRETURNING "
                + REPOSITORY_COLUMNS)
        .param("path", path)
        .param("next", MigrationStatus.IMPORT_IN_PROGRESS.wireValue())
        .param("token", ownerToken)
        .param("allowed", wireValues(MigrationStatus.finalImportAllowedFrom()))
        .param("graceSeconds", limits.cancelGrace().toMillis() / 1000.0)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  private static boolean isWithinGraceWindow(RepositoryState state, ClaimLimits limits) {
    return !state.ownerClosed()
        && state.canceledAt() != null
        && state.canceledAt().plus(limits.cancelGrace()).isAfter(Instant.now());
  }

  /**
   * Cancels the repository's import in one statement, as GitLab's registry does (CancelRepositoryImport and
   * cancelImport in registry/handlers/import.go): an import in progress, or with {@code force} any status but {@code
   * native}, becomes {@code pre_import_canceled} when it was {@code pre_import_in_progress} or {@code
   * pre_import_complete} and {@code import_canceled} otherwise, remembering when; the detail is GitLab's ({@code
   * forced cancelation} when forced). The owning run is fenced out from that moment: its batches and status writes need
   * the in-progress status. Empty when nothing could be canceled.
   */
  public Optional<RepositoryState> cancel(String path, boolean force) {
    return jdbc.sql(
            """
            UPDATE repositories
               SET migration_status = CASE WHEN migration_status IN ('pre_import_in_progress', 'pre_import_complete')
                                           THEN 'pre_import_canceled' ELSE 'import_canceled' END,
                   migration_error = CASE WHEN :force THEN 'forced cancelation'
                                          WHEN migration_status = 'pre_import_in_progress' THEN 'pre import canceled'
                                          ELSE 'final import canceled' END,
                   canceled_at = now(), updated_at = now()
             WHERE path = :path
               AND (migration_status IN ('pre_import_in_progress', 'import_in_progress')
                    OR (:force AND migration_status <> 'native'))
            RETURNING\s"""
                + REPOSITORY_COLUMNS)
        .param("path", path)
        .param("force", force)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  /**
   * Undoes a claim whose workflow could not be started: puts back the status the repository had before, or removes
   * the row the claim created. Does nothing if the claim has since been superseded.
   */
  public void releaseClaim(String path, String ownerToken, Optional<RepositoryState> before) {
    if (before.isEmpty()) {
      jdbc.sql("DELETE FROM repositories WHERE path = :path AND owner_token = :token")
          .param("path", path)
          .param("token", ownerToken)
          .update();
      return;
    }
    RepositoryState previous = before.get();
    jdbc.sql(
            """
            UPDATE repositories
               SET migration_status = :status, migration_error = :error, owner_token = :previousToken,
                   import_type = :importType, owner_closed = :ownerClosed, canceled_at = :canceledAt,
                   updated_at = now()
             WHERE path = :path AND owner_token = :token""")
        .param("status", previous.status().wireValue())
        .param("error", previous.error())
        .param("previousToken", previous.ownerToken())
        .param("importType", previous.owningImportType().map(ImportType::wireValue).orElse(null))
        .param("ownerClosed", previous.ownerClosed())
        .param("canceledAt", previous.canceledAt() == null ? null : Timestamp.from(previous.canceledAt()))
        .param("path", path)
        .param("token", ownerToken)
        .update();
  }

  /** Applies the transition if the repository is still in the expected status and owned by the same run. */
  public boolean transition(StatusTransition transition) {
    return jdbc.sql(
                """
                UPDATE repositories
                   SET migration_status = :next, migration_error = :error, updated_at = now()
                 WHERE path = :path AND migration_status = :expected AND owner_token = :token""")
            .param("next", transition.next().wireValue())
            .param("error", transition.error())
            .param("path", transition.repositoryPath())
            .param("expected", transition.expected().wireValue())
            .param("token", transition.ownerToken())
            .update()
        == 1;
  }

  /**
   * Ends a run: applies its final status if the repository is still in {@code expected} (or already in {@code next},
   * so a retried call is idempotent) and owned by the run, and in any case marks the run closed. Returns whether the
   * status is the run's.
   */
  Optional<FinishedRun> finishRun(StatusTransition transition) {
    return transactions.execute(
        status -> {
          Optional<FinishedRun> finished =
              jdbc.sql(
                      """
                      UPDATE repositories
                         SET migration_status = :next, migration_error = :error, owner_closed = TRUE,
                             updated_at = now()
                       WHERE path = :path AND owner_token = :token AND migration_status IN (:expected, :next)
                      RETURNING\s"""
                          + FINISHED_RUN_COLUMNS)
                  .param("next", transition.next().wireValue())
                  .param("error", transition.error())
                  .param("path", transition.repositoryPath())
                  .param("token", transition.ownerToken())
                  .param("expected", transition.expected().wireValue())
                  .query(RegistryStore::finishedRun)
                  .optional();
          if (finished.isEmpty()) {
            releaseRun(transition.repositoryPath(), transition.ownerToken());
            return finished;
          }
          if (NOTIFIED_STATUSES.contains(transition.next())) {
            jdbc.sql(
                    """
                    INSERT INTO notifications (repository_path, owner_token, status, detail)
                    VALUES (:path, :token, :status, :detail)
                    ON CONFLICT (repository_path, owner_token, status) DO NOTHING""")
                .param("path", transition.repositoryPath())
                .param("token", transition.ownerToken())
                .param("status", transition.next().wireValue())
                .param("detail", transition.error() != null ? transition.error() : transition.next().detail())
                .update();
          }
          return finished;
        });
  }

  /** A failed run takes its repository back into progress for a retry, if it still owns it in the failed status. */
  boolean resumeRun(StatusTransition transition) {
    return jdbc.sql(
                """
                UPDATE repositories
                   SET migration_status = :next, migration_error = NULL, owner_closed = FALSE, updated_at = now()
                 WHERE path = :path AND owner_token = :token AND migration_status = :expected""")
            .param("next", transition.next().wireValue())
            .param("path", transition.repositoryPath())
            .param("token", transition.ownerToken())
            .param("expected", transition.expected().wireValue())
            .update()
        == 1;
  }

  /** Cancels the repository's import as {@link #cancel} does, but only if the run still owns it in progress. */
  boolean cancelRun(String path, String ownerToken) {
    return jdbc.sql(
                """
                UPDATE repositories
                   SET migration_status = CASE WHEN migration_status = 'pre_import_in_progress'
                                               THEN 'pre_import_canceled' ELSE 'import_canceled' END,
                       migration_error = CASE WHEN migration_status = 'pre_import_in_progress'
                                              THEN 'pre import canceled' ELSE 'final import canceled' END,
                       canceled_at = now(), updated_at = now()
                 WHERE path = :path AND owner_token = :token
                   AND migration_status IN ('pre_import_in_progress', 'import_in_progress')""")
            .param("path", path)
            .param("token", ownerToken)
            .update()
        == 1;
  }

  /**
   * Marks the run closed without touching the status: a canceled run has stopped working. Empty when the repository
   * no longer carries the run's token.
   */
  Optional<FinishedRun> releaseRun(String path, String ownerToken) {
    return jdbc.sql(
            "UPDATE repositories SET owner_closed = TRUE WHERE path = :path AND owner_token = :token RETURNING "
                + FINISHED_RUN_COLUMNS)
        .param("path", path)
        .param("token", ownerToken)
        .query(RegistryStore::finishedRun)
        .optional();
  }

  /**
   * A run whose end was written: its import type ({@code pre}, {@code final}) and the time since its claim, absent for
   * a run claimed before claim times were recorded.
   */
  record FinishedRun(String importType, Optional<Duration> sinceClaim) {}

  private static final String FINISHED_RUN_COLUMNS =
      "import_type, EXTRACT(EPOCH FROM clock_timestamp() - claimed_at) AS seconds_since_claim";

  private static FinishedRun finishedRun(ResultSet row, int rowNumber) throws SQLException {
    double seconds = row.getDouble("seconds_since_claim");
    return new FinishedRun(
        row.getString("import_type"),
        row.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos((long) (seconds * 1e9))));
  }

  /**
   * Writes a batch of manifests with their blobs and references, idempotently, in one transaction that holds a share
   * lock on the repository row only while the run still owns it.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch) {
    writeManifests(path, ownerToken, batch, null);
  }

  /** As {@link #writeManifests(String, String, List)}, also recording the run's progress when it is given. */
  void writeManifests(String path, String ownerToken, List<ManifestRecord> batch, ImportProgress progress) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId = lockOwnedRepository(path, ownerToken);
          if (!batch.isEmpty()) {
            insertBlobs(repositoryId, batch);
            insertManifests(repositoryId, batch);
            Map<Digest, Long> ids = manifestIds(repositoryId, batch);
            insertLayerReferences(batch, ids);
            insertChildReferences(batch, ids);
          }
          if (progress != null) {
            // A retried attempt resumes from its last heartbeat, which may be older than its last committed batch,
            // and so re-commits batches below the progress already shown; GREATEST keeps the progress from going
            // backwards (a new run starts from NULL, which GREATEST ignores).
            jdbc.sql(
                    """
                    UPDATE repositories SET progress_done = GREATEST(progress_done, :done), progress_total = :total
                     WHERE id = :id""")
                .param("done", progress.tagsDone())
                .param("total", progress.tagsTotal())
                .param("id", repositoryId)
                .update();
          }
        });
  }

  /**
   * Commits a final import in one transaction: the manifests pushed since the pre-import, the repository's tags as
   * the legacy storage has them now, and the status {@code import_complete}. Runs only while the run still owns the
   * repository in {@code import_in_progress}, holding the row so a cancel either comes first (and nothing is
   * committed) or finds the import complete.
   *
   * @throws FencedOutException when the run no longer owns the repository; nothing is written then
   */
  void commitFinalImport(String path, String ownerToken, List<ManifestRecord> newManifests, Map<String, Digest> tags) {
    transactions.executeWithoutResult(
        status -> {
          long repositoryId =
              jdbc.sql(
                      """
                      SELECT id FROM repositories
                       WHERE path = :path AND owner_token = :token AND migration_status = 'import_in_progress'
                         FOR UPDATE""")
                  .param("path", path)
                  .param("token", ownerToken)
                  .query(Long.class)
                  .optional()
                  .orElseThrow(() -> new FencedOutException(path));
          if (!newManifests.isEmpty()) {
            insertBlobs(repositoryId, newManifests);
            insertManifests(repositoryId, newManifests);
            Map<Digest, Long> ids = manifestIds(repositoryId, newManifests);
            insertLayerReferences(newManifests, ids);
            insertChildReferences(newManifests, ids);
          }
          replaceTags(repositoryId, tags);
          jdbc.sql(
                  """
                  UPDATE repositories SET migration_status = 'import_complete', migration_error = NULL,
                         updated_at = now()
                   WHERE id = :id""")
              .param("id", repositoryId)
              .update();
        });
  }

  /** Which of {@code digests} the repository already has as manifests. */
  Set<Digest> existingManifests(String path, Collection<Digest> digests) {
    Set<Digest> existing = new HashSet<>();
    List<String> values = digests.stream().map(Digest::toString).toList();
    for (int from = 0; from < values.size(); from += LOOKUP_CHUNK) {
      jdbc.sql(
              """
              SELECT m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id
               WHERE r.path = :path AND m.digest IN (:digests)""")
          .param("path", path)
          .param("digests", values.subList(from, Math.min(values.size(), from + LOOKUP_CHUNK)))
          .query(rs -> {
            existing.add(Digest.parse(rs.getString(1)));
          });
    }
    return existing;
  }

  private void replaceTags(long repositoryId, Map<String, Digest> tags) {
    Map<Digest, Long> ids = new HashMap<>();
    List<String> digests = tags.values().stream().distinct().map(Digest::toString).toList();
    for (int from = 0; from < digests.size(); from += LOOKUP_CHUNK) {
      jdbc.sql("SELECT digest, id FROM manifests WHERE repository_id = :repository AND digest IN (:digests)")
          .param("repository", repositoryId)
          .param("digests", digests.subList(from, Math.min(digests.size(), from + LOOKUP_CHUNK)))
          .query(rs -> {
            ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
          });
    }
    jdbc.sql("DELETE FROM tags WHERE repository_id = :repository").param("repository", repositoryId).update();
    List<Object[]> rows = new ArrayList<>();
    tags.forEach(
        (tag, digest) -> {
          Long manifestId = ids.get(digest);
          if (manifestId == null) {
            throw new IllegalStateException("tag " + tag + " points at " + digest + ", which was not imported");
          }
          rows.add(new Object[] {repositoryId, tag, manifestId});
        });
    batches.batchUpdate("INSERT INTO tags (repository_id, name, manifest_id) VALUES (?, ?, ?)", rows);
  }

  /** Rows recorded for the repository so far. */
  ImportCounts counts(String path) {
    return jdbc.sql(
            """
            SELECT (SELECT count(*) FROM manifests m WHERE m.repository_id = r.id) AS manifests,
                   (SELECT count(*) FROM repository_blobs b WHERE b.repository_id = r.id) AS blobs,
                   (SELECT count(*) FROM tags t WHERE t.repository_id = r.id) AS tags
              FROM repositories r WHERE r.path = :path""")
        .param("path", path)
        .query((rs, n) -> new ImportCounts(rs.getLong("manifests"), rs.getLong("blobs"), rs.getLong("tags")))
        .optional()
        .orElse(ImportCounts.NONE);
  }

  private long lockOwnedRepository(String path, String ownerToken) {
    return jdbc.sql(
            """
            SELECT id FROM repositories
             WHERE path = :path AND owner_token = :token
               AND migration_status IN ('pre_import_in_progress', 'import_in_progress')
               FOR SHARE""")
        .param("path", path)
        .param("token", ownerToken)
        .query(Long.class)
        .optional()
        .orElseThrow(() -> new FencedOutException(path));
  }

  /*
   * Each table of a batch is written by one statement whose parameters are arrays, one element per row, unnested on
   * the server: a batch costs a round trip and a plan per table instead of one execution per row.
   */

  private void insertBlobs(long repositoryId, List<ManifestRecord> batch) {
    Map<Digest, ParsedManifest.BlobReference> blobs = new HashMap<>();
    for (ManifestRecord manifest : batch) {
      if (manifest.parsed().config() != null) {
        blobs.putIfAbsent(manifest.parsed().config().digest(), manifest.parsed().config());
      }
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        blobs.putIfAbsent(layer.digest(), layer);
      }
    }
    int count = blobs.size();
    String[] digests = new String[count];
    String[] mediaTypes = new String[count];
    Long[] sizes = new Long[count];
    int row = 0;
    for (ParsedManifest.BlobReference blob : blobs.values()) {
      digests[row] = blob.digest().toString();
      mediaTypes[row] = blob.mediaType();
      sizes[row] = blob.size();
      row++;
    }
    // Inserted in digest order so that concurrent imports sharing blobs lock them in the same order and cannot
    // deadlock; "C" compares the ASCII digests as String.compareTo does.
    execute(
        """
        INSERT INTO blobs (digest, media_type, size)
        SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[]) AS b (digest, media_type, size)
         ORDER BY digest COLLATE "C"
        ON CONFLICT (digest) DO NOTHING""",
        new SqlArray("text", digests), new SqlArray("text", mediaTypes), new SqlArray("bigint", sizes));
    execute(
        """
        INSERT INTO repository_blobs (repository_id, blob_digest)
        SELECT ?, digest FROM unnest(?::text[]) AS b (digest) ORDER BY digest COLLATE "C"
        ON CONFLICT DO NOTHING""",
        repositoryId, new SqlArray("text", digests));
  }

  private void insertManifests(long repositoryId, List<ManifestRecord> batch) {
    int count = batch.size();
    String[] digests = new String[count];
    String[] mediaTypes = new String[count];
    Integer[] schemaVersions = new Integer[count];
    Long[] sizes = new Long[count];
    byte[][] payloads = new byte[count][];
    String[] configDigests = new String[count];
    String[] configMediaTypes = new String[count];
    for (int row = 0; row < count; row++) {
      ManifestRecord manifest = batch.get(row);
      ParsedManifest parsed = manifest.parsed();
      digests[row] = manifest.digest().toString();
      mediaTypes[row] = parsed.mediaType();
      schemaVersions[row] = parsed.schemaVersion();
      sizes[row] = (long) manifest.payload().length;
      payloads[row] = manifest.payload();
      configDigests[row] = parsed.config() == null ? null : parsed.config().digest().toString();
      configMediaTypes[row] = parsed.config() == null ? null : parsed.config().mediaType();
    }
    execute(
        """
        INSERT INTO manifests (repository_id, digest, media_type, schema_version, size, payload, config_digest,
                               config_media_type)
        SELECT ?, * FROM unnest(?::text[], ?::text[], ?::integer[], ?::bigint[], ?::bytea[], ?::text[], ?::text[])
        ON CONFLICT (repository_id, digest) DO NOTHING""",
        repositoryId,
        new SqlArray("text", digests),
        new SqlArray("text", mediaTypes),
        new SqlArray("integer", schemaVersions),
        new SqlArray("bigint", sizes),
        new SqlArray("bytea", payloads),
        new SqlArray("text", configDigests),
        new SqlArray("text", configMediaTypes));
  }

  private Map<Digest, Long> manifestIds(long repositoryId, List<ManifestRecord> batch) {
    Set<String> digests = new HashSet<>();
    for (ManifestRecord manifest : batch) {
      digests.add(manifest.digest().toString());
      manifest.parsed().children().forEach(child -> digests.add(child.toString()));
    }
    Map<Digest, Long> ids = new HashMap<>();
    batches.query(
        connection -> {
          PreparedStatement statement =
              connection.prepareStatement("SELECT digest, id FROM manifests WHERE repository_id = ? AND digest = ANY (?)");
          statement.setLong(1, repositoryId);
          statement.setArray(2, connection.createArrayOf("text", digests.toArray(String[]::new)));
          return statement;
        },
        rs -> {
          ids.put(Digest.parse(rs.getString("digest")), rs.getLong("id"));
        });
    return ids;
  }

  private void insertLayerReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    List<Long> manifestIds = new ArrayList<>();
    List<String> blobDigests = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      long manifestId = ids.get(manifest.digest());
      for (ParsedManifest.BlobReference layer : manifest.parsed().layers()) {
        manifestIds.add(manifestId);
        blobDigests.add(layer.digest().toString());
      }
    }
    // DO NOTHING also skips a layer a manifest lists twice within the statement.
    execute(
        """
        INSERT INTO manifest_blobs (manifest_id, blob_digest)
        SELECT * FROM unnest(?::bigint[], ?::text[]) ON CONFLICT DO NOTHING""",
        new SqlArray("bigint", manifestIds.toArray(Long[]::new)),
        new SqlArray("text", blobDigests.toArray(String[]::new)));
  }

  private void insertChildReferences(List<ManifestRecord> batch, Map<Digest, Long> ids) {
    List<Long> parents = new ArrayList<>();
    List<Long> children = new ArrayList<>();
    for (ManifestRecord manifest : batch) {
      for (Digest child : manifest.parsed().children()) {
        Long childId = ids.get(child);
        if (childId == null) {
          throw new IllegalStateException(
              "child manifest " + child + " of " + manifest.digest() + " was not written before its index");
        }
        parents.add(ids.get(manifest.digest()));
        children.add(childId);
      }
    }
    if (!parents.isEmpty()) {
      execute(
          """
          INSERT INTO manifest_references (parent_id, child_id)
          SELECT * FROM unnest(?::bigint[], ?::bigint[]) ON CONFLICT DO NOTHING""",
          new SqlArray("bigint", parents.toArray(Long[]::new)),
          new SqlArray("bigint", children.toArray(Long[]::new)));
    }
  }

  /** An array parameter: its SQL element type and its elements, whose Java type PgJDBC encodes (byte[][] as bytea). */
  private record SqlArray(String elementType, Object[] elements) {}

  /** Runs {@code sql} in the current transaction, {@link SqlArray} parameters bound as SQL arrays. */
  private void execute(String sql, Object... parameters) {
    batches.update(
        connection -> {
          PreparedStatement statement = connection.prepareStatement(sql);
          for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof SqlArray array) {
              statement.setArray(i + 1, connection.createArrayOf(array.elementType(), array.elements()));
            } else {
              statement.setObject(i + 1, parameters[i]);
            }
          }
          return statement;
        });
  }

  private static List<String> wireValues(Set<MigrationStatus> statuses) {
    return statuses.stream().map(MigrationStatus::wireValue).sorted().collect(Collectors.toList());
  }

  private static RepositoryState repositoryState(ResultSet rs, int row) throws SQLException {
    String status = rs.getString("migration_status");
    Timestamp updatedAt = rs.getTimestamp("updated_at");
    Timestamp canceledAt = rs.getTimestamp("canceled_at");
    return new RepositoryState(
        rs.getLong("id"),
        rs.getString("path"),
        rs.getString("name"),
        MigrationStatus.fromWireValue(status)
            .orElseThrow(() -> new IllegalStateException("unknown migration status in database: " + status)),
        rs.getString("migration_error"),
        rs.getString("owner_token"),
        rs.getString("import_type") == null
            ? null
            : ImportType.fromWireValue(rs.getString("import_type")).orElseThrow(),
        rs.getBoolean("owner_closed"),
        canceledAt == null ? null : canceledAt.toInstant(),
        rs.getObject("progress_total") == null
            ? null
            : new ImportProgress(rs.getLong("progress_done"), rs.getLong("progress_total")),
        updatedAt.toInstant());
  }
}

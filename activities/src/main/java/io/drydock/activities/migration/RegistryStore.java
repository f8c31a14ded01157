package io.drydock.activities.migration;

import io.drydock.workflows.migration.ImportProgress;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.RepositoryPaths;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The API's side of the repositories table: a repository's state, the claim that starts an import
 * (atomically across replicas, under the concurrency limit), its undoing, and cancels. The runs'
 * own writes are {@link ImportRunStore}. Every status change is a single compare-and-set statement.
 */
public final class RegistryStore {
  private static final String REPOSITORY_COLUMNS =
      "id, path, name, migration_status, migration_error, owner_token, import_type, owner_closed, canceled_at,"
          + " progress_done, progress_total, updated_at";

  /** Serialises claims across API replicas while they count the imports in progress. */
  private static final long CLAIM_LOCK = 0x64727964L;

  private static final String CLAIM_CONDITION =
      """
      repositories.migration_status IN (:allowed)
         AND (repositories.owner_closed OR repositories.canceled_at IS NULL
              OR repositories.canceled_at <= now() - make_interval(secs => :graceSeconds))""";

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public RegistryStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  public Optional<RepositoryState> find(String path) {
    return jdbc.sql("SELECT " + REPOSITORY_COLUMNS + " FROM repositories WHERE path = :path")
        .param("path", path)
        .query(RegistryStore::repositoryState)
        .optional();
  }

  /**
   * Claims the repository for a run of {@code type}: moves it to the type's in-progress status
   * owned by {@code ownerToken} (creating the row for a first pre-import), in one transaction that
   * also enforces the concurrency limit and the cancel grace window. Claims on every replica
   * serialise on one advisory lock, so the limit holds across replicas.
   */
  public ClaimOutcome claim(String path, ImportType type, String ownerToken, ClaimLimits limits) {
    // A burst of PUTs beyond the limit is refused before it queues for the claim lock: each waiter
    // would hold a
    // pooled connection until its turn, and 60 at once left the pool none for the imports in
    // progress (503s).
    if (limits.maxConcurrentImports() > 0 && importsInProgress() >= limits.maxConcurrentImports()) {
      return new ClaimOutcome.RateLimited(limits.maxConcurrentImports());
    }
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(:key)")
              .param("key", CLAIM_LOCK)
              .query(Object.class)
              .single();
          if (limits.maxConcurrentImports() > 0
              && importsInProgress() >= limits.maxConcurrentImports()) {
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

  private Optional<RepositoryState> claimPreImport(
      String path, String ownerToken, ClaimLimits limits) {
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

  private Optional<RepositoryState> claimFinalImport(
      String path, String ownerToken, ClaimLimits limits) {
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
   * Cancels the repository's import in one statement, as GitLab's registry does
   * (CancelRepositoryImport and cancelImport in registry/handlers/import.go): an import in
   * progress, or with {@code force} any status but {@code native}, becomes {@code
   * pre_import_canceled} when it was {@code pre_import_in_progress} or {@code pre_import_complete}
   * and {@code import_canceled} otherwise, remembering when; the detail is GitLab's ({@code forced
   * cancelation} when forced). The owning run is fenced out from that moment: its batches and
   * status writes need the in-progress status. Empty when nothing could be canceled.
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
   * Undoes a claim whose workflow could not be started: puts back the status the repository had
   * before, or removes the row the claim created. Does nothing if the claim has since been
   * superseded.
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
        .param(
            "canceledAt",
            previous.canceledAt() == null ? null : Timestamp.from(previous.canceledAt()))
        .param("path", path)
        .param("token", ownerToken)
        .update();
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
            .orElseThrow(
                () -> new IllegalStateException("unknown migration status in database: " + status)),
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

package io.drydock.activities.migration;

import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.StatusTransition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An import run's status writes, in the worker: each is a compare-and-set on (path, expected
 * status, owner token), so a run that was canceled or superseded changes nothing; ending a run also
 * queues its notification in the same transaction. The rows a run imports are {@link
 * ImportedMetadataStore}'s; the API's claims and cancels are {@link RegistryStore}'s.
 */
public final class ImportRunStore {
  /** The statuses GitLab Rails acts on; it canceled the others itself. */
  private static final Set<MigrationStatus> NOTIFIED_STATUSES =
      Set.of(
          MigrationStatus.PRE_IMPORT_COMPLETE,
          MigrationStatus.PRE_IMPORT_FAILED,
          MigrationStatus.IMPORT_COMPLETE,
          MigrationStatus.IMPORT_FAILED);

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public ImportRunStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /**
   * Applies the transition if the repository is still in the expected status and owned by the same
   * run.
   */
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
   * Ends a run: applies its final status if the repository is still in {@code expected} (or already
   * in {@code next}, so a retried call is idempotent) and owned by the run, and in any case marks
   * the run closed. Returns whether the status is the run's.
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
                  .query(ImportRunStore::finishedRun)
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
                .param(
                    "detail",
                    transition.error() != null ? transition.error() : transition.next().detail())
                .update();
          }
          return finished;
        });
  }

  /**
   * A failed run takes its repository back into progress for a retry, if it still owns it in the
   * failed status.
   */
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

  /**
   * Cancels the repository's import as {@link RegistryStore#cancel} does, only while the run owns
   * it in progress.
   */
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
   * Marks the run closed without touching the status: a canceled run has stopped working. Empty
   * when the repository no longer carries the run's token.
   */
  Optional<FinishedRun> releaseRun(String path, String ownerToken) {
    return jdbc.sql(
            "UPDATE repositories SET owner_closed = TRUE WHERE path = :path AND owner_token = :token RETURNING "
                + FINISHED_RUN_COLUMNS)
        .param("path", path)
        .param("token", ownerToken)
        .query(ImportRunStore::finishedRun)
        .optional();
  }

  /**
   * A run whose end was written: its import type ({@code pre}, {@code final}) and the time since
   * its claim, absent for a run claimed before claim times were recorded.
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
}

package io.drydock.activities.migration;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers a run's notification from the outbox. Deliveries for one repository hold that repository's advisory lock
 * for the whole attempt, HTTP call included, so two notifications of one repository can never cross on the wire; a
 * notification whose run no longer owns the repository is superseded instead of sent.
 */
public final class NotificationOutbox {
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public NotificationOutbox(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /** A notification to send: the import API's status body. */
  record Notification(long id, String path, String name, String status, String detail, Duration age) {}

  /** What the delivery attempt decided; {@link Delivery#send} runs inside the repository's lock. */
  interface Delivery {
    /** Sends the notification; returns null when the receiver answered 200, else why it was not delivered. */
    String send(Notification notification);
  }

  enum Outcome {
    DELIVERED,
    SUPERSEDED,
    ABANDONED,
    NOTHING_TO_DO
  }

  /**
   * Delivers the run's oldest notification that is still due (not yet ended, and the run still owns the
   * repository).
   *
   * @throws NotificationNotDeliveredException when the receiver did not answer 200; the attempt is recorded, the
   *     notification stays due
   */
  Outcome deliver(String path, String ownerToken, Duration giveUpAfter, Delivery delivery) {
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:path))").param("path", path).query(Object.class).single();
          Optional<Notification> due =
              jdbc.sql(
                      """
                      SELECT n.id, n.repository_path, r.name, n.status, n.detail,
                             extract(epoch FROM now() - n.created_at) AS age_seconds,
                             r.owner_token = n.owner_token AS still_owned
                        FROM notifications n JOIN repositories r ON r.path = n.repository_path
                       WHERE n.repository_path = :path AND n.owner_token = :token AND n.outcome IS NULL
                       ORDER BY n.id
                       LIMIT 1
                         FOR UPDATE OF n""")
                  .param("path", path)
                  .param("token", ownerToken)
                  .query(
                      (rs, row) ->
                          rs.getBoolean("still_owned")
                              ? new Notification(
                                  rs.getLong("id"),
                                  rs.getString("repository_path"),
                                  rs.getString("name"),
                                  rs.getString("status"),
                                  rs.getString("detail"),
                                  Duration.ofMillis(Math.round(rs.getDouble("age_seconds") * 1000)))
                              : new Notification(rs.getLong("id"), path, null, null, null, null))
                  .optional();
          if (due.isEmpty()) {
            return Outcome.NOTHING_TO_DO;
          }
          Notification notification = due.get();
          if (notification.status() == null) {
            end(notification.id(), "superseded", null);
            return Outcome.SUPERSEDED;
          }
          if (notification.age().compareTo(giveUpAfter) > 0) {
            end(notification.id(), "abandoned", "not delivered within " + giveUpAfter);
            return Outcome.ABANDONED;
          }
          String failure = delivery.send(notification);
          if (failure == null) {
            end(notification.id(), "delivered", null);
            return Outcome.DELIVERED;
          }
          throw new NotificationNotDeliveredException(notification.id(), failure);
        });
  }

  /** Records a failed attempt; outside the delivery's transaction, which rolls back. */
  void recordFailedAttempt(long id, String error) {
    jdbc.sql("UPDATE notifications SET attempts = attempts + 1, last_error = :error WHERE id = :id")
        .param("error", error)
        .param("id", id)
        .update();
  }

  private void end(long id, String outcome, String error) {
    jdbc.sql(
            """
            UPDATE notifications SET outcome = :outcome, ended_at = now(), attempts = attempts + 1,
                   last_error = coalesce(:error, last_error)
             WHERE id = :id""")
        .param("outcome", outcome)
        .param("error", error)
        .param("id", id)
        .update();
  }

  /** The receiver did not take the notification; it stays due and the attempt will be retried. */
  static final class NotificationNotDeliveredException extends RuntimeException {
    private final long id;

    NotificationNotDeliveredException(long id, String message) {
      super(message);
      this.id = id;
    }

    long id() {
      return id;
    }
  }
}

package io.drydock.activities.migration;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers a run's notification from the outbox. Deliveries for one repository hold that
 * repository's advisory lock for the whole attempt, HTTP call included, so two notifications of one
 * repository can never cross on the wire; a notification whose run no longer owns the repository is
 * superseded instead of sent. A notification the receiver refuses ({@link
 * ReceiverAnswer#refused()}) ends there: sending it again would be refused again.
 */
public final class NotificationOutbox {
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public NotificationOutbox(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /** A notification to send: the import API's status body. */
  record Notification(
      long id, String path, String name, String status, String detail, Duration age) {}

  /** What the delivery attempt decided; {@link Delivery#send} runs inside the repository's lock. */
  interface Delivery {
    /** Sends the notification and returns what the receiver answered. */
    ReceiverAnswer send(Notification notification);
  }

  /**
   * What the receiver answered: an HTTP status and (the start of) its body, or status 0 and why
   * nothing was answered.
   */
  record ReceiverAnswer(int status, String body, String failure) {
    static ReceiverAnswer http(int status, String body) {
      return new ReceiverAnswer(status, body, "receiver answered HTTP " + status);
    }

    static ReceiverAnswer none(String failure) {
      return new ReceiverAnswer(0, null, failure);
    }

    boolean delivered() {
      return status == 200;
    }

    /**
     * GitLab Rails answers 400 for a status it does not take or a repository that is no longer
     * importing (Rails aborted it), 404 for a repository it does not know: the same notification
     * would be refused again.
     */
    boolean refused() {
      return status == 400 || status == 404;
    }

    /**
     * 401: the receiver does not take the secret; an operator fixing either side makes a retry
     * succeed.
     */
    boolean secretRefused() {
      return status == 401;
    }
  }

  enum Outcome {
    DELIVERED,
    SUPERSEDED,
    REFUSED,
    ABANDONED,
    NOTHING_TO_DO
  }

  /**
   * Delivers the run's oldest notification that is still due (not yet ended, and the run still owns
   * the repository).
   *
   * @throws NotificationNotDeliveredException when the receiver did not answer 200 and did not
   *     refuse the notification; the notification stays due
   */
  Outcome deliver(String path, String ownerToken, Duration giveUpAfter, Delivery delivery) {
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:path))")
              .param("path", path)
              .query(Object.class)
              .single();
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
          ReceiverAnswer answer = delivery.send(notification);
          if (answer.delivered()) {
            end(notification.id(), "delivered", null);
            return Outcome.DELIVERED;
          }
          if (answer.refused()) {
            recordAnswer(notification.id(), answer);
            end(notification.id(), "refused", null);
            return Outcome.REFUSED;
          }
          throw new NotificationNotDeliveredException(notification.id(), answer);
        });
  }

  /** Records a failed attempt; outside the delivery's transaction, which rolls back. */
  void recordFailedAttempt(long id, ReceiverAnswer answer) {
    jdbc.sql("UPDATE notifications SET attempts = attempts + 1 WHERE id = :id")
        .param("id", id)
        .update();
    recordAnswer(id, answer);
  }

  private void recordAnswer(long id, ReceiverAnswer answer) {
    jdbc.sql(
            """
            UPDATE notifications SET last_error = :error, response_status = :status, response_body = :body
             WHERE id = :id""")
        .param("error", answer.failure())
        .param("status", answer.status() == 0 ? null : answer.status())
        .param("body", answer.body())
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
    private final transient ReceiverAnswer answer;

    NotificationNotDeliveredException(long id, ReceiverAnswer answer) {
      super(answer.failure());
      this.id = id;
      this.answer = answer;
    }

    long id() {
      return id;
    }

    ReceiverAnswer answer() {
      return answer;
    }
  }
}

package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.StatusTransition;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The notification outbox on a real PostgreSQL: what is sent, in which order, and what never is.
 */
class NotificationOutboxTest {
  private static final String PATH = "group/project/app";
  private static final ClaimLimits LIMITS = new ClaimLimits(0, Duration.ofSeconds(5));
  private static final Duration DAY = Duration.ofDays(1);

  private RegistryStore store;

  private ImportRunStore runs;
  private NotificationOutbox outbox;
  private JdbcClient jdbc;
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void freshDatabase() {
    DataSource dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new RegistryStore(dataSource);
    runs = new ImportRunStore(dataSource);
    outbox = new NotificationOutbox(dataSource);
    jdbc = JdbcClient.create(dataSource);
  }

  @Test
  void aRunsEndIsSentOnceWithTheStatusBody() {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);

    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.DELIVERED);
    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.NOTHING_TO_DO);
    assertThat(sent).containsExactly("app pre_import_complete pre import completed successfully");
  }

  @Test
  void aRunThatWasSupersededBeforeItsTurnIsNeverSent() {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);
    store.claim(PATH, ImportType.FINAL, "run-2", LIMITS);

    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.SUPERSEDED);
    assertThat(sent).isEmpty();
  }

  @Test
  void aRefusedStatusWriteLeavesNothingToSend() {
    store.claim(PATH, ImportType.PRE, "run-1", LIMITS);
    store.cancel(PATH, false);

    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    assertThat(jdbc.sql("SELECT count(*) FROM notifications").query(Long.class).single()).isZero();
  }

  @Test
  void aFailedAttemptKeepsTheNotificationDueAndARetriedRunsEndsGoInOrder() {
    end("run-1", MigrationStatus.PRE_IMPORT_FAILED);
    assertThatThrownBy(() -> outbox.deliver(PATH, "run-1", DAY, answering(503, "")))
        .isInstanceOf(NotificationOutbox.NotificationNotDeliveredException.class);
    runs.resumeRun(
        new StatusTransition(
            PATH,
            "run-1",
            MigrationStatus.PRE_IMPORT_FAILED,
            MigrationStatus.PRE_IMPORT_IN_PROGRESS,
            null));
    runs.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    deliver("run-1");
    deliver("run-1");

    assertThat(sent)
        .extracting(s -> s.split(" ")[1])
        .containsExactly("pre_import_failed", "pre_import_complete");
  }

  /**
   * GitLab Rails' receiver (gitlabhq/gitlabhq {@code
   * lib/api/internal/container_registry/migration.rb} at 1327c778c43e8a423d32bc50be2a0bc7cbf82932)
   * answers {@code bad_request!} when the repository is not in an active migration state and 404
   * from {@code find_by_path!}: the same notification would get the same answer again.
   */
  @ParameterizedTest
  @ValueSource(ints = {400, 404})
  void aNotificationTheReceiverRefusesEndsRefusedWithItsAnswerAndIsNotRetried(int status) {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);
    String body = "{\"message\":\"400 Bad request - Wrong migration state (import_aborted)\"}";

    assertThat(outbox.deliver(PATH, "run-1", DAY, answering(status, body)))
        .isEqualTo(NotificationOutbox.Outcome.REFUSED);
    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.NOTHING_TO_DO);

    assertThat(sent).isEmpty();
    assertThat(
            jdbc.sql(
                    "SELECT outcome, response_status, response_body, attempts, last_error FROM notifications")
                .query(
                    (rs, row) ->
                        List.of(
                            rs.getString(1),
                            rs.getInt(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getString(5)))
                .single())
        .containsExactly("refused", status, body, 1, "receiver answered HTTP " + status);
  }

  /**
   * 401 is a secret that does not match (Rails' {@code authenticate!}): fixed by an operator, so
   * retried.
   */
  @ParameterizedTest
  @ValueSource(ints = {401, 408, 429, 500, 502, 503})
  void aNotificationAnsweredWithAnotherErrorStaysDueWithItsAnswerRecorded(int status) {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);

    assertThatThrownBy(() -> outbox.deliver(PATH, "run-1", DAY, answering(status, "try later")))
        .isInstanceOfSatisfying(
            NotificationOutbox.NotificationNotDeliveredException.class,
            e -> outbox.recordFailedAttempt(e.id(), e.answer()));

    assertThat(
            jdbc.sql("SELECT outcome, response_status, response_body, attempts FROM notifications")
                .query(
                    (rs, row) ->
                        Arrays.asList(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4)))
                .single())
        .containsExactly(null, status, "try later", 1);
    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.DELIVERED);
  }

  @Test
  void aReceiverThatCannotBeReachedLeavesTheNotificationDue() {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);

    assertThatThrownBy(
            () ->
                outbox.deliver(
                    PATH,
                    "run-1",
                    DAY,
                    n -> NotificationOutbox.ReceiverAnswer.none("connection refused")))
        .isInstanceOf(NotificationOutbox.NotificationNotDeliveredException.class);

    assertThat(deliver("run-1")).isEqualTo(NotificationOutbox.Outcome.DELIVERED);
  }

  @Test
  void aNotificationNotDeliveredInTimeIsAbandoned() {
    end("run-1", MigrationStatus.PRE_IMPORT_COMPLETE);

    assertThat(outbox.deliver(PATH, "run-1", Duration.ZERO, this::send))
        .isEqualTo(NotificationOutbox.Outcome.ABANDONED);
    assertThat(sent).isEmpty();
  }

  private void end(String token, MigrationStatus status) {
    store.claim(PATH, ImportType.PRE, token, LIMITS);
    runs.finishRun(
        transition(
            token, status, status == MigrationStatus.PRE_IMPORT_FAILED ? "disk gone" : null));
  }

  private NotificationOutbox.Outcome deliver(String token) {
    return outbox.deliver(PATH, token, DAY, this::send);
  }

  private NotificationOutbox.ReceiverAnswer send(NotificationOutbox.Notification notification) {
    sent.add(notification.name() + " " + notification.status() + " " + notification.detail());
    return NotificationOutbox.ReceiverAnswer.http(200, "");
  }

  private static NotificationOutbox.Delivery answering(int status, String body) {
    return n -> NotificationOutbox.ReceiverAnswer.http(status, body);
  }

  private static StatusTransition transition(String token, MigrationStatus next, String error) {
    return new StatusTransition(PATH, token, MigrationStatus.PRE_IMPORT_IN_PROGRESS, next, error);
  }
}

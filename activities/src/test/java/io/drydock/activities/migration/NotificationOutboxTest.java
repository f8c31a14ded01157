package io.drydock.activities.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.StatusTransition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The notification outbox on a real PostgreSQL: what is sent, in which order, and what never is. */
class NotificationOutboxTest {
  private static final String PATH = "group/project/app";
  private static final ClaimLimits LIMITS = new ClaimLimits(0, Duration.ofSeconds(5));
  private static final Duration DAY = Duration.ofDays(1);

  private RegistryStore store;
  private NotificationOutbox outbox;
  private JdbcClient jdbc;
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void freshDatabase() {
    DataSource dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new RegistryStore(dataSource);
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

    store.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    assertThat(jdbc.sql("SELECT count(*) FROM notifications").query(Long.class).single()).isZero();
  }

  @Test
  void aFailedAttemptKeepsTheNotificationDueAndARetriedRunsEndsGoInOrder() {
    end("run-1", MigrationStatus.PRE_IMPORT_FAILED);
    assertThatThrownBy(() -> outbox.deliver(PATH, "run-1", DAY, n -> "receiver answered HTTP 503"))
        .isInstanceOf(NotificationOutbox.NotificationNotDeliveredException.class);
    store.resumeRun(new StatusTransition(PATH, "run-1", MigrationStatus.PRE_IMPORT_FAILED,
        MigrationStatus.PRE_IMPORT_IN_PROGRESS, null));
    store.finishRun(transition("run-1", MigrationStatus.PRE_IMPORT_COMPLETE, null));

    deliver("run-1");
    deliver("run-1");

    assertThat(sent).extracting(s -> s.split(" ")[1]).containsExactly("pre_import_failed", "pre_import_complete");
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
    store.finishRun(transition(token, status, status == MigrationStatus.PRE_IMPORT_FAILED ? "disk gone" : null));
  }

  private NotificationOutbox.Outcome deliver(String token) {
    return outbox.deliver(PATH, token, DAY, this::send);
  }

  private String send(NotificationOutbox.Notification notification) {
    sent.add(notification.name() + " " + notification.status() + " " + notification.detail());
    return null;
  }

  private static StatusTransition transition(String token, MigrationStatus next, String error) {
    return new StatusTransition(PATH, token, MigrationStatus.PRE_IMPORT_IN_PROGRESS, next, error);
  }
}

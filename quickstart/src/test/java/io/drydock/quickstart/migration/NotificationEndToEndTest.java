package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.NotificationReceiver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications to GitLab Rails when a run ends: the contract's request, durable delivery, once.
 */
class NotificationEndToEndTest {
  private static final AtomicInteger REPOSITORIES = new AtomicInteger();
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  @Test
  void aCompletedPreImportIsNotifiedOnceAsTheGitLabRegistryDid() {
    String path = repository();

    assertThat(put(path, "pre")).isEqualTo(202);

    List<NotificationReceiver.Received> received = awaitNotifications(path, 1);
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.authorization()).isEqualTo(DrydockStack.NOTIFICATION_SECRET);
              assertThat(r.body())
                  .isEqualTo(
                      "{\"name\":\""
                          + name(path)
                          + "\",\"path\":\""
                          + path
                          + "\",\"status\":\"pre_import_complete\","
                          + "\"detail\":\"pre import completed successfully\"}");
            });
    assertThat(outcome(path)).isEqualTo("delivered");
  }

  @Test
  void aReceiverThatIsDownGetsTheNotificationOnceItIsBack() throws InterruptedException {
    String path = repository();
    stack.notifications.answer(path, 503);

    assertThat(put(path, "pre")).isEqualTo(202);
    awaitNotifications(path, 2);
    assertThat(outcome(path)).as("still due while the receiver is down").isNull();
    stack.notifications.answer(path, 200);

    DrydockStack.await(
        () ->
            stack.notifications.receivedFor(path).stream().filter(r -> r.answered() == 200).count(),
        delivered -> delivered == 1,
        Duration.ofSeconds(60),
        "the notification of " + path + " to be delivered");
    Thread.sleep(3000);
    assertThat(stack.notifications.receivedFor(path).stream().filter(r -> r.answered() == 200))
        .as("delivered exactly once")
        .hasSize(1);
    assertThat(outcome(path)).isEqualTo("delivered");
  }

  /**
   * Rails aborted the repository meanwhile: its endpoint (gitlabhq/gitlabhq {@code
   * lib/api/internal/container_registry/migration.rb} at 1327c778c43e8a423d32bc50be2a0bc7cbf82932)
   * answers {@code bad_request!("Wrong migration state (...)")}, which Grape renders as {@code
   * {"message":"400 Bad request - ..."}}. One request, then the notification is over.
   */
  @Test
  void aNotificationRailsRefusesIsSentOnceAndEndsRefused() throws InterruptedException {
    String path = repository();
    String refusal = "{\"message\":\"400 Bad request - Wrong migration state (import_aborted)\"}";
    stack.notifications.answer(path, 400, refusal);

    assertThat(put(path, "pre")).isEqualTo(202);
    DrydockStack.await(
        () -> outcome(path),
        "refused"::equals,
        Duration.ofSeconds(60),
        "the notification of " + path + " refused");
    Thread.sleep(3000);

    assertThat(stack.notifications.receivedFor(path)).as("no retry after the refusal").hasSize(1);
    assertThat(
            stack
                .database
                .sql(
                    "SELECT response_status, response_body FROM notifications WHERE repository_path = ?")
                .param(path)
                .query((rs, row) -> rs.getInt(1) + " " + rs.getString(2))
                .single())
        .isEqualTo("400 " + refusal);
  }

  @Test
  void aFailedImportIsNotifiedWithItsError() {
    String path = repository();
    DrydockStack.deleteOneBlob(stack.legacyRoot, path);

    assertThat(put(path, "pre")).isEqualTo(202);

    assertThat(awaitNotifications(path, 1))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.body())
                    .contains("\"status\":\"pre_import_failed\"", "missing from the storage"));
  }

  private static List<NotificationReceiver.Received> awaitNotifications(String path, int count) {
    return DrydockStack.await(
        () -> stack.notifications.receivedFor(path),
        received -> received.size() >= count,
        Duration.ofSeconds(60),
        count + " notification requests for " + path);
  }

  private static String outcome(String path) {
    return stack
        .database
        .sql("SELECT outcome FROM notifications WHERE repository_path = ? ORDER BY id DESC LIMIT 1")
        .param(path)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  private static int put(String path, String type) {
    return stack.request("PUT", "/gitlab/v1/import/" + path + "/?import_type=" + type).statusCode();
  }

  private static String repository() {
    String path = "notify/r" + REPOSITORIES.incrementAndGet();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, path, 3, 1);
    return path;
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}

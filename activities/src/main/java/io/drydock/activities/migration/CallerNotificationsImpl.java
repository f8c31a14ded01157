package io.drydock.activities.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.workflows.migration.CallerNotifications;
import io.drydock.workflows.migration.ImportRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code PUT <url with {path}>} with {@code {"name","path","status","detail"}} and the shared secret in
 * {@code Authorization}, as the GitLab registry did; unlike it, a notification not answered 200 is retried. The URL
 * comes from configuration only, never from a request.
 */
public final class CallerNotificationsImpl implements CallerNotifications {
  private static final Logger log = LoggerFactory.getLogger(CallerNotificationsImpl.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NotificationOutbox outbox;
  private final HttpClient http;
  private final String urlTemplate;
  private final String secret;
  private final Duration giveUpAfter;

  /**
   * @param urlTemplate the receiver's URL with {@code {path}} where the repository path goes; blank turns
   *     notifications off (each one is recorded as abandoned)
   */
  public CallerNotificationsImpl(NotificationOutbox outbox, String urlTemplate, String secret, Duration giveUpAfter) {
    this.outbox = outbox;
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    this.urlTemplate = urlTemplate == null ? "" : urlTemplate.strip();
    this.secret = secret == null ? "" : secret;
    this.giveUpAfter = this.urlTemplate.isEmpty() ? Duration.ZERO : giveUpAfter;
  }

  @Override
  public void notifyCaller(ImportRequest request) {
    try {
      // A run retried after a failure may have two due, its failure and its end: they go in the order they happened.
      NotificationOutbox.Outcome outcome;
      do {
        outcome = outbox.deliver(request.repositoryPath(), request.ownerToken(), giveUpAfter, this::send);
        if (outcome == NotificationOutbox.Outcome.ABANDONED && !urlTemplate.isEmpty()) {
          log.warn("notification for {} abandoned: not delivered within {}", request.repositoryPath(), giveUpAfter);
        }
      } while (outcome != NotificationOutbox.Outcome.NOTHING_TO_DO);
    } catch (NotificationOutbox.NotificationNotDeliveredException e) {
      outbox.recordFailedAttempt(e.id(), e.getMessage());
      throw e;
    }
  }

  private String send(NotificationOutbox.Notification notification) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("name", notification.name());
    body.put("path", notification.path());
    body.put("status", notification.status());
    body.put("detail", notification.detail());
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(urlTemplate.replace("{path}", notification.path())))
              .timeout(REQUEST_TIMEOUT)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return "cannot build the notification request: " + e.getMessage();
    }
    if (!secret.isEmpty()) {
      request.header("Authorization", secret);
    }
    try {
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200 ? null : "receiver answered HTTP " + response.statusCode();
    } catch (IOException e) {
      return "receiver unreachable: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while notifying";
    }
  }
}

package io.drydock.activities.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.drydock.activities.Json;
import io.drydock.workflows.migration.CallerNotifications;
import io.drydock.workflows.migration.ImportRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code PUT <url with {path}>} with {@code {"name","path","status","detail"}} and the shared
 * secret in {@code Authorization}, as the GitLab registry did; unlike it, a notification not
 * answered 200 is retried, unless the receiver refused it. GitLab Rails' receiver
 * (gitlabhq/gitlabhq {@code lib/api/internal/container_registry/migration.rb} at
 * 1327c778c43e8a423d32bc50be2a0bc7cbf82932) answers 400 for a repository not in an active migration
 * state or a transition it cannot make, and 404 for an unknown repository: answers that a retry
 * would only repeat, so they end the notification as {@code refused}. Its 401 (the secret does not
 * match) is retried, since fixing the secret on either side makes the next attempt succeed. The URL
 * comes from configuration only, never from a request.
 */
public final class CallerNotificationsImpl implements CallerNotifications {
  private static final Logger log = LoggerFactory.getLogger(CallerNotificationsImpl.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Enough of a refusal's body to say why (Rails sends {@code {"message":"400 Bad request -
   * ..."}}).
   */
  private static final int MAX_BODY_BYTES = 2048;

  private final NotificationOutbox outbox;
  private final HttpClient http;
  private final String urlTemplate;
  private final String secret;
  private final Duration giveUpAfter;
  private final MeterRegistry meters;

  /** Without a receiver URL in {@code settings} each notification is recorded as abandoned. */
  public CallerNotificationsImpl(
      NotificationOutbox outbox, NotificationProperties settings, MeterRegistry meters) {
    this.outbox = outbox;
    this.meters = meters;
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    this.urlTemplate = settings.url();
    this.secret = settings.secret();
    this.giveUpAfter = settings.enabled() ? settings.giveUpAfter() : Duration.ZERO;
  }

  @Override
  public void notifyCaller(ImportRequest request) {
    try {
      // A run retried after a failure may have two due, its failure and its end: they go in the
      // order they happened.
      NotificationOutbox.Outcome outcome;
      do {
        outcome =
            outbox.deliver(request.repositoryPath(), request.ownerToken(), giveUpAfter, this::send);
        if (outcome != NotificationOutbox.Outcome.NOTHING_TO_DO) {
          notifications(outcome.name().toLowerCase(Locale.ROOT));
        }
        if (outcome == NotificationOutbox.Outcome.ABANDONED && !urlTemplate.isEmpty()) {
          log.warn(
              "notification for {} abandoned: not delivered within {}",
              request.repositoryPath(),
              giveUpAfter);
        }
      } while (outcome != NotificationOutbox.Outcome.NOTHING_TO_DO);
    } catch (NotificationOutbox.NotificationNotDeliveredException e) {
      outbox.recordFailedAttempt(e.id(), e.answer());
      notifications("retried");
      if (e.answer().secretRefused()) {
        log.error(
            "configuration error: the receiver answered 401 to the notification for {}: it does not take"
                + " DRYDOCK_NOTIFICATION_SECRET; retrying until the secrets match",
            request.repositoryPath());
      }
      throw e;
    }
  }

  /**
   * Outcomes: delivered, refused, abandoned, superseded, and retried for each attempt that will be
   * retried.
   */
  private void notifications(String outcome) {
    meters.counter("drydock.notifications", "outcome", outcome).increment();
  }

  private NotificationOutbox.ReceiverAnswer send(NotificationOutbox.Notification notification) {
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
              .PUT(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return NotificationOutbox.ReceiverAnswer.none(
          "cannot build the notification request: " + e.getMessage());
    }
    if (!secret.isEmpty()) {
      request.header("Authorization", secret);
    }
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      String answered;
      try (InputStream in = response.body()) {
        answered = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
      }
      NotificationOutbox.ReceiverAnswer answer =
          NotificationOutbox.ReceiverAnswer.http(response.statusCode(), answered);
      if (answer.refused()) {
        log.warn(
            "notification {} for {} refused by the receiver, not retried: HTTP {} {}",
            notification.status(),
            notification.path(),
            answer.status(),
            answered);
      }
      return answer;
    } catch (IOException e) {
      return NotificationOutbox.ReceiverAnswer.none("receiver unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NotificationOutbox.ReceiverAnswer.none("interrupted while notifying");
    }
  }
}

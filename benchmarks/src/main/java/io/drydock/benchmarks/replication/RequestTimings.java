package io.drydock.benchmarks.replication;

import com.google.protobuf.Timestamp;
import io.drydock.benchmarks.Samples;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the time of Drydock's put and copy requests goes, read from the replication workflow's
 * histories: from the activity's scheduling to a worker starting it (dispatch), from its start to
 * its result (the request itself: the HTTP call and, for a copy, the polls until the target lists
 * the artifact), and from its result to the workflow scheduling the next request (the decision). A
 * slot is held for the sum of the three.
 */
final class RequestTimings {
  private static final Set<String> REQUESTS = Set.of("PutArtifact", "CopyArtifact");

  private RequestTimings() {}

  /** Medians, in milliseconds, of the requests scheduled from {@code since} on. */
  static String of(WorkflowClient client, String workflowId, Instant since) {
    Samples dispatch = new Samples("dispatch");
    Samples execution = new Samples("request");
    Samples decision = new Samples("result to next request");
    for (WorkflowExecutionMetadata run :
        client.listExecutions("WorkflowId = '" + workflowId + "'").toList()) {
      if (run.getCloseTime() != null && run.getCloseTime().isBefore(since)) {
        continue;
      }
      List<HistoryEvent> events =
          client.fetchHistory(workflowId, run.getExecution().getRunId()).getEvents();
      Map<Long, Instant> scheduled = new HashMap<>();
      Map<Long, Instant> started = new HashMap<>();
      Instant lastResult = null;
      for (HistoryEvent event : events) {
        Instant at = instant(event.getEventTime());
        if (at.isBefore(since)) {
          continue;
        }
        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && REQUESTS.contains(
                event.getActivityTaskScheduledEventAttributes().getActivityType().getName())) {
          scheduled.put(event.getEventId(), at);
          if (lastResult != null) {
            decision.add(nanos(lastResult, at));
            lastResult = null;
          }
        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
          long id = event.getActivityTaskStartedEventAttributes().getScheduledEventId();
          if (scheduled.containsKey(id)) {
            started.put(id, at);
            dispatch.add(nanos(scheduled.get(id), at));
          }
        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          long id = event.getActivityTaskCompletedEventAttributes().getScheduledEventId();
          if (started.containsKey(id)) {
            execution.add(nanos(started.get(id), at));
            lastResult = at;
          }
        }
      }
    }
    if (execution.count() == 0 || decision.count() == 0) {
      return "no request in the workflow's histories";
    }
    return String.format(
        "%d requests, medians: dispatch %.0f ms, request %.0f ms, result to next request %.0f ms",
        execution.count(), dispatch.millis(50), execution.millis(50), decision.millis(50));
  }

  private static Instant instant(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  private static long nanos(Instant from, Instant to) {
    return Duration.between(from, to).toNanos();
  }
}

package io.drydock.api.replication;

import io.drydock.activities.replication.ArtifactStore;
import io.drydock.activities.replication.RecordedRequest;
import io.drydock.activities.replication.RequestLog;
import io.drydock.api.errors.ApiException;
import io.drydock.api.replication.ReplicationBodies.Replication;
import io.drydock.api.replication.ReplicationBodies.Signalled;
import io.drydock.workflows.replication.ReplicationStatus;
import io.drydock.workflows.replication.ReplicationWorkflows;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The replication workflow: its status with the request log ({@code GET}), and the operator's
 * signals {@code activate} (starting the workflow if needed), {@code pause} and {@code resume}.
 */
@RestController
@RequestMapping("/api/v1/replication")
class ReplicationController {
  private static final Logger log = LoggerFactory.getLogger(ReplicationController.class);

  private final ReplicationSignals signals;
  private final ArtifactStore store;
  private final RequestLog requests;

  ReplicationController(ReplicationSignals signals, ArtifactStore store, RequestLog requests) {
    this.signals = signals;
    this.store = store;
    this.requests = requests;
  }

  @Operation(
      summary = "Replication status: last activation, counters, lost artifacts",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the status",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping
  JsonNode status() {
    long generation = store.generation();
    List<RecordedRequest> recent = requests.recent(RequestLog.CAPACITY);
    Optional<ReplicationStatus> status;
    try {
      status = signals.status();
    } catch (RuntimeException e) {
      log.warn("the replication workflow's status query failed", e);
      return ReplicationBodies.json(
          new Replication(
              "unavailable",
              "the status query failed: " + e.getMessage(),
              generation,
              null,
              recent));
    }
    if (status.isEmpty()) {
      return ReplicationBodies.json(
          new Replication(
              "not_started",
              "the replication workflow has not been started: an upload, a delete or POST activate starts it",
              generation,
              null,
              recent));
    }
    return ReplicationBodies.json(
        new Replication("running", null, generation, status.get(), recent));
  }

  @Operation(
      summary = "Start an activation now",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "signaled",
            content = @Content(mediaType = "application/json"))
      })
  @PostMapping("/activate")
  ResponseEntity<JsonNode> activate() {
    return signal(
        "activate",
        () -> {
          signals.activate();
          return true;
        });
  }

  @Operation(
      summary = "Pause replication",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "signaled",
            content = @Content(mediaType = "application/json"))
      })
  @PostMapping("/pause")
  ResponseEntity<JsonNode> pause() {
    return signal("pause", signals::pause);
  }

  @Operation(
      summary = "Resume replication",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "signaled",
            content = @Content(mediaType = "application/json"))
      })
  @PostMapping("/resume")
  ResponseEntity<JsonNode> resume() {
    return signal("resume", signals::resume);
  }

  private ResponseEntity<JsonNode> signal(String signal, BooleanSupplier send) {
    boolean delivered;
    try {
      delivered = send.getAsBoolean();
    } catch (RuntimeException e) {
      log.error("could not send {} to the replication workflow", signal, e);
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "UNAVAILABLE",
          "the workflow service is unavailable; retry later",
          signal);
    }
    if (!delivered) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "REPLICATION_NOT_RUNNING",
          "the replication workflow is not running; POST /api/v1/replication/activate starts it",
          signal);
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(ReplicationBodies.json(new Signalled(ReplicationWorkflows.WORKFLOW_ID, signal)));
  }
}

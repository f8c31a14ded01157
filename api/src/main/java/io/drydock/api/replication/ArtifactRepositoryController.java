package io.drydock.api.replication;

import io.drydock.activities.replication.ArtifactStore;
import io.drydock.activities.replication.InvalidRepositoryException;
import io.drydock.activities.replication.TufRepositoryUpload;
import io.drydock.activities.replication.UploadOutcome;
import io.drydock.api.errors.ApiException;
import io.drydock.api.replication.ReplicationBodies.Repositories;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Uploaded TUF repositories: {@code POST} a zip ({@code Content-Type: application/zip}) to add one,
 * {@code GET} to list or read them, {@code DELETE} to remove one. An upload or delete is committed
 * to the database first; only then is the replication workflow signalled.
 */
@RestController
@RequestMapping("/api/v1/artifact-repositories")
class ArtifactRepositoryController {
  private static final Pattern REPOSITORY_ID = Pattern.compile("[0-9a-f]{64}");
  private static final MediaType ZIP = MediaType.parseMediaType("application/zip");

  private final TufRepositoryUpload upload;
  private final ArtifactStore store;
  private final ReplicationSignals signals;

  ArtifactRepositoryController(
      TufRepositoryUpload upload, ArtifactStore store, ReplicationSignals signals) {
    this.upload = upload;
    this.store = store;
    this.signals = signals;
  }

  /** 201 with the repository when it is new, 200 when the same repository was uploaded before. */
  @Operation(
      summary = "Upload a signed TUF repository of artifacts (a zip, as tufaceous builds it)",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the same repository was uploaded before",
            content = @Content(mediaType = "application/json")),
        @ApiResponse(
            responseCode = "201",
            description = "stored: the repository and its artifacts",
            content = @Content(mediaType = "application/json"))
      })
  @PostMapping
  ResponseEntity<JsonNode> upload(HttpServletRequest request) throws IOException {
    requireZip(request.getContentType());
    if (request.getContentLengthLong() > upload.maxUploadBytes()) {
      throw tooLarge("the archive is " + request.getContentLengthLong() + " bytes");
    }
    UploadOutcome outcome;
    try (InputStream body = request.getInputStream()) {
      outcome = upload.upload(body);
    } catch (InvalidRepositoryException e) {
      throw refused(e);
    }
    String id = outcome.repository().id();
    JsonNode body = ReplicationBodies.repository(outcome.repository(), outcome.generation());
    if (!outcome.created()) {
      return ResponseEntity.ok(body);
    }
    signals.activateAfter("the upload of repository " + id);
    return ResponseEntity.created(URI.create("/api/v1/artifact-repositories/" + id)).body(body);
  }

  @Operation(
      summary = "The artifact repositories",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "every repository with its artifacts",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping
  JsonNode list() {
    long generation = store.generation();
    return ReplicationBodies.json(new Repositories(generation, store.list()));
  }

  @Operation(
      summary = "One artifact repository",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the repository",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping("/{id}")
  JsonNode get(@PathVariable("id") String id) {
    long generation = store.generation();
    return store
        .find(validId(id))
        .map(repository -> ReplicationBodies.repository(repository, generation))
        .orElseThrow(() -> unknown(id));
  }

  /** 204; the generation is bumped so that sleds drop the artifacts no other repository has. */
  @Operation(
      summary =
          "Delete an artifact repository; its artifacts stay while another repository names them",
      responses = {@ApiResponse(responseCode = "204", description = "deleted", content = @Content)})
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable("id") String id) {
    store.delete(validId(id)).orElseThrow(() -> unknown(id));
    signals.activateAfter("the delete of repository " + id);
    return ResponseEntity.noContent().build();
  }

  private static void requireZip(String contentType) {
    boolean zip;
    try {
      zip = contentType != null && MediaType.parseMediaType(contentType).equalsTypeAndSubtype(ZIP);
    } catch (InvalidMediaTypeException e) {
      zip = false;
    }
    if (!zip) {
      throw new ApiException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "UNSUPPORTED_MEDIA_TYPE",
          "upload the repository's zip archive with Content-Type: application/zip",
          contentType);
    }
  }

  private ApiException tooLarge(String detail) {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "ARCHIVE_TOO_LARGE",
        "the archive and the artifacts it holds may each be at most "
            + upload.maxUploadBytes()
            + " bytes",
        detail);
  }

  private ApiException refused(InvalidRepositoryException e) {
    return switch (e.reason()) {
      case TOO_LARGE -> tooLarge(e.getMessage());
      case INCOMPLETE ->
          new ApiException(HttpStatus.BAD_REQUEST, "UPLOAD_INCOMPLETE", e.getMessage(), e.detail());
      default ->
          new ApiException(HttpStatus.BAD_REQUEST, e.reason().name(), e.getMessage(), e.detail());
    };
  }

  private static String validId(String id) {
    if (!REPOSITORY_ID.matcher(id).matches()) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "REPOSITORY_ID_INVALID",
          "a repository id is the sha256 (64 lower-case hex digits) of its targets.json",
          id);
    }
    return id;
  }

  private static ApiException unknown(String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "REPOSITORY_UNKNOWN", "no repository with this id", id);
  }
}

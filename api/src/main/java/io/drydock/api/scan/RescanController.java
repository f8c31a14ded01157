package io.drydock.api.scan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.scan.ScanProperties;
import io.drydock.activities.scan.ScanQueries;
import io.drydock.api.errors.ApiException;
import io.drydock.workflows.scan.BulkRescanProgress;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bulk rescans ({@code /api/v1/rescans}), their operator signals ({@code
 * /api/v1/operator/rescans/<id>/pause|resume| cancel}) and the scan status of every manifest
 * ({@code /api/v1/scan-status}), read from PostgreSQL on every request so that every API replica
 * answers the same.
 */
@RestController
class RescanController {
  private static final Pattern BULK_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Set<String> SIGNALS = Set.of("pause", "resume", "cancel");
  static final int MAX_PAGE = 5000;

  private final ScanQueries store;
  private final RescanStarter rescans;
  private final int defaultConcurrency;

  RescanController(ScanQueries store, RescanStarter rescans, int defaultConcurrency) {
    this.store = store;
    this.rescans = rescans;
    this.defaultConcurrency = defaultConcurrency;
  }

  /**
   * @param force index again even current reports; true unless the caller says otherwise, since an
   *     operator asking for a rescan wants one
   */
  record BulkRescanBody(String repository, Boolean force, Integer concurrency) {}

  record BulkRescanResponse(
      String id,
      @JsonProperty("workflow_id") String workflowId,
      String state,
      long total,
      long done,
      long failed,
      long joined) {
    static BulkRescanResponse of(String id, BulkRescanProgress progress) {
      return new BulkRescanResponse(
          id,
          "bulk-rescan/" + id,
          progress.state(),
          progress.total(),
          progress.done(),
          progress.failed(),
          progress.joined());
    }
  }

  record ScanStatusEntry(
      String repository,
      String digest,
      String status,
      @Schema(nullable = true) String error,
      @Schema(nullable = true) @JsonProperty("updated_at") Instant updatedAt) {}

  /** {@code next} is null on the last page. */
  record ScanStatusPage(List<ScanStatusEntry> manifests, @Schema(nullable = true) String next) {}

  @Operation(
      summary = "Start a bulk rescan of every image manifest, or of one repository's",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "started: its progress",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = BulkRescanResponse.class)))
      })
  @PostMapping("/api/v1/rescans")
  ResponseEntity<BulkRescanResponse> start(@RequestBody(required = false) BulkRescanBody body) {
    BulkRescanBody request = body == null ? new BulkRescanBody(null, null, null) : body;
    String repository = request.repository();
    if (repository != null) {
      ApiException.validRepositoryPath(repository);
      if (!store.repositoryExists(repository)) {
        throw new ApiException(
            HttpStatus.NOT_FOUND, "NAME_UNKNOWN", "repository unknown to the registry", repository);
      }
    }
    int concurrency = request.concurrency() == null ? defaultConcurrency : request.concurrency();
    if (concurrency < 1 || concurrency > ScanProperties.MAX_BULK_CONCURRENCY) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "INVALID_PARAMETER",
          "concurrency must be between 1 and " + ScanProperties.MAX_BULK_CONCURRENCY,
          concurrency);
    }
    String id =
        rescans.startBulk(repository, request.force() == null || request.force(), concurrency);
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(BulkRescanResponse.of(id, progressOf(id)));
  }

  @Operation(
      summary = "A bulk rescan's progress",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "its progress",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = BulkRescanResponse.class)))
      })
  @GetMapping("/api/v1/rescans/{id}")
  BulkRescanResponse progress(@PathVariable("id") String id) {
    return BulkRescanResponse.of(id, progressOf(validId(id)));
  }

  @Operation(
      summary = "Pause, resume or cancel a bulk rescan",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "signaled: its progress",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = BulkRescanResponse.class)))
      })
  @PostMapping("/api/v1/operator/rescans/{id}/{signal}")
  ResponseEntity<BulkRescanResponse> signal(
      @PathVariable("id") String id, @PathVariable("signal") String signal) {
    if (!SIGNALS.contains(signal)) {
      throw new ApiException(
          HttpStatus.NOT_FOUND,
          "NOT_FOUND",
          "operator signals are pause, resume and cancel",
          signal);
    }
    String valid = validId(id);
    if (!rescans.signal(valid, signal)) {
      throw new ApiException(
          HttpStatus.CONFLICT, "RESCAN_NOT_RUNNING", "the bulk rescan is not running", valid);
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(BulkRescanResponse.of(valid, progressOf(valid)));
  }

  /**
   * Scan status per image manifest, in (repository, digest) order; {@code next} is the cursor of
   * the following page ({@code <repository>@<digest>}), null after the last.
   */
  @Operation(
      summary = "Scan status of the image manifests, a page at a time",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "a page of statuses",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ScanStatusPage.class)))
      })
  @GetMapping("/api/v1/scan-status")
  ScanStatusPage scanStatus(
      @RequestParam(name = "repository", required = false) String repository,
      @RequestParam(name = "after", required = false) String after,
      @RequestParam(name = "limit", defaultValue = "1000") int limit) {
    if (repository != null) {
      ApiException.validRepositoryPath(repository);
      if (!store.repositoryExists(repository)) {
        throw new ApiException(
            HttpStatus.NOT_FOUND, "NAME_UNKNOWN", "repository unknown to the registry", repository);
      }
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "INVALID_PARAMETER",
          "limit must be between 1 and " + MAX_PAGE,
          limit);
    }
    String afterRepository = null;
    String afterDigest = null;
    if (after != null) {
      int at = after.lastIndexOf('@');
      if (at < 1 || !Digest.isDigest(after.substring(at + 1))) {
        throw new ApiException(
            HttpStatus.BAD_REQUEST,
            "INVALID_PARAMETER",
            "after must be a cursor <repository>@<digest>",
            after);
      }
      afterRepository = ApiException.validRepositoryPath(after.substring(0, at));
      afterDigest = after.substring(at + 1);
    }
    List<ScanStatusEntry> entries =
        store.statuses(repository, afterRepository, afterDigest, limit).stream()
            .map(
                s ->
                    new ScanStatusEntry(
                        s.repository(), s.digest(), s.status(), s.error(), s.updatedAt()))
            .toList();
    String next =
        entries.size() < limit
            ? null
            : entries.get(entries.size() - 1).repository()
                + "@"
                + entries.get(entries.size() - 1).digest();
    return new ScanStatusPage(entries, next);
  }

  private BulkRescanProgress progressOf(String id) {
    return rescans
        .progress(id)
        .orElseThrow(
            () -> new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "no such bulk rescan", id));
  }

  private static String validId(String id) {
    if (!BULK_ID.matcher(id).matches()) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST, "INVALID_PARAMETER", "a bulk rescan id is a UUID", id);
    }
    return id;
  }
}

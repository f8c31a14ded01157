package io.drydock.api.migration;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.ClaimOutcome;
import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.migration.RepositoryState;
import io.drydock.api.errors.ApiException;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The GitLab container registry's import API: {@code PUT
 * /gitlab/v1/import/<path>/?import_type=pre|final} (or the older {@code ?pre=true|false}) starts an
 * import, {@code GET} reports the repository's migration status, {@code DELETE [?force=true]}
 * cancels. Every check runs before anything is written, so a refused request changes nothing.
 */
@RestController
@RequestMapping("/gitlab/v1/import")
class ImportController {
  private final RegistryStore store;
  private final LegacyStorage legacy;
  private final ImportStarter imports;

  ImportController(RegistryStore store, LegacyStorage legacy, ImportStarter imports) {
    this.store = store;
    this.legacy = legacy;
    this.imports = imports;
  }

  /**
   * Checks in the order of GitLab's handler (StartRepositoryImport and shouldImport in
   * registry/handlers/import.go): the import type, then the answers from the repository's status,
   * and only then the legacy storage, so a repository in the middle of an import never answers 404,
   * which Rails takes as "nothing to import" and marks done. The concurrency limit is enforced by
   * the claim, atomically across replicas, after those checks.
   */
  @Operation(
      summary = "Start a pre-import or final import of the repository (GitLab's import API)",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "already on the database: nothing to import",
            content = @Content),
        @ApiResponse(
            responseCode = "202",
            description = "started: the repository's status",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ImportStatusResponse.class)))
      })
  @PutMapping("/{*path}")
  ResponseEntity<?> start(
      @PathVariable("path") String rawPath,
      @RequestParam(name = "import_type", required = false) String importType,
      @RequestParam(name = "pre", required = false) String pre) {
    String path = repositoryPath(rawPath);
    ImportType type = importType(importType, pre);
    Optional<RepositoryState> current = store.find(path);
    if (alreadyOnDatabase(type, path, current)) {
      return ResponseEntity.ok().build();
    }
    if (!legacy.repositoryExists(path)) {
      throw nameUnknown(path, "repository not found in the legacy storage");
    }
    if (current.isEmpty() && type == ImportType.FINAL) {
      throw new ApiException(
          HttpStatus.FAILED_DEPENDENCY,
          "PRE_IMPORT_REQUIRED",
          "the repository must be pre imported first",
          path);
    }
    ClaimOutcome outcome = imports.start(type, path, current);
    if (outcome instanceof ClaimOutcome.Claimed claimed) {
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(ImportStatusResponse.of(claimed.state()));
    }
    if (outcome instanceof ClaimOutcome.RateLimited limited) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "IMPORT_RATE_LIMIT",
          "the maximum number of concurrent imports is reached; retry later",
          "max concurrent imports: " + limited.maxConcurrentImports());
    }
    if (outcome instanceof ClaimOutcome.NotReady) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "IMPORT_REPOSITORY_NOT_READY",
          "the canceled import of this repository has not stopped yet; retry shortly",
          path);
    }
    // Refused: the status changed between the read and the claim; answer from the status it has
    // now.
    if (alreadyOnDatabase(type, path, ((ClaimOutcome.Refused) outcome).state())) {
      return ResponseEntity.ok().build();
    }
    throw new ApiException(
        HttpStatus.CONFLICT,
        "IMPORT_IN_PROGRESS",
        "repository status changed concurrently; retry",
        path);
  }

  @Operation(
      summary = "The repository's import status",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "its status",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ImportStatusResponse.class)))
      })
  @GetMapping("/{*path}")
  ImportStatusResponse status(@PathVariable("path") String rawPath) {
    String path = repositoryPath(rawPath);
    return store
        .find(path)
        .map(ImportStatusResponse::of)
        .orElseThrow(() -> nameUnknown(path, "repository has no migration status"));
  }

  @Operation(
      summary = "Cancel the repository's import (force=true from any status but native)",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "canceled: the repository's status",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ImportStatusResponse.class)))
      })
  @DeleteMapping("/{*path}")
  ResponseEntity<ImportStatusResponse> cancel(
      @PathVariable("path") String rawPath,
      @RequestParam(name = "force", required = false) String force) {
    String path = repositoryPath(rawPath);
    boolean forced = booleanParameter("force", force);
    RepositoryState before =
        store.find(path).orElseThrow(() -> nameUnknown(path, "repository has no migration status"));
    RepositoryState canceled =
        store
            .cancel(path, forced)
            .orElseThrow(
                () ->
                    new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "IMPORT_CANNOT_BE_CANCELED",
                        "nothing to cancel: the repository is not being imported (force=true cancels any status but"
                            + " native)",
                        store.find(path).map(s -> s.status().wireValue()).orElse(path)));
    imports.stopRun(before);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(ImportStatusResponse.of(canceled));
  }

  /**
   * {@code import_type=pre|final}, or the older client's {@code pre=true|false} (gitlabhq/gitlabhq
   * lib/container_registry/gitlab_api_client.rb, {@code start_import_for}) when {@code import_type}
   * is absent.
   */
  private static ImportType importType(String importType, String pre) {
    if (importType == null && pre != null) {
      if (pre.equals("true") || pre.equals("false")) {
        return pre.equals("true") ? ImportType.PRE : ImportType.FINAL;
      }
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "INVALID_QUERY_PARAMETER_VALUE",
          "pre must be true or false",
          "pre=" + pre);
    }
    return ImportType.fromWireValue(importType == null ? "" : importType)
        .orElseThrow(
            () ->
                new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "INVALID_QUERY_PARAMETER_VALUE",
                    "import_type must be one of: pre, final",
                    "import_type=" + (importType == null ? "(missing)" : importType)));
  }

  /**
   * Applies the status table of the import API to the current status: true when the repository is
   * already on the database (200), an exception for every refusal, false when the import may go on
   * to the legacy storage check.
   */
  private static boolean alreadyOnDatabase(
      ImportType type, String path, Optional<RepositoryState> current) {
    if (current.isEmpty()) {
      return false;
    }
    MigrationStatus status = current.get().status();
    if (status.isOnDatabase()) {
      return true;
    }
    if (status == MigrationStatus.PRE_IMPORT_IN_PROGRESS) {
      throw new ApiException(
          HttpStatus.TOO_EARLY, "PRE_IMPORT_IN_PROGRESS", "repository is being pre imported", path);
    }
    if (status == MigrationStatus.IMPORT_IN_PROGRESS) {
      throw new ApiException(
          HttpStatus.CONFLICT, "IMPORT_IN_PROGRESS", "repository is being imported", path);
    }
    if (type == ImportType.FINAL && status == MigrationStatus.PRE_IMPORT_FAILED) {
      throw new ApiException(
          HttpStatus.FAILED_DEPENDENCY,
          "PRE_IMPORT_FAILED",
          "the pre import failed; pre import again",
          path);
    }
    if (type == ImportType.FINAL && status == MigrationStatus.PRE_IMPORT_CANCELED) {
      throw new ApiException(
          HttpStatus.FAILED_DEPENDENCY,
          "PRE_IMPORT_CANCELED",
          "the pre import was canceled; pre import again",
          path);
    }
    return false;
  }

  private static boolean booleanParameter(String name, String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new ApiException(
        HttpStatus.BAD_REQUEST,
        "INVALID_QUERY_PARAMETER_VALUE",
        name + " must be true or false",
        name + "=" + value);
  }

  /**
   * The path as captured after {@code /gitlab/v1/import}: one leading slash, and the contract's
   * trailing slash.
   */
  private static String repositoryPath(String rawPath) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    return ApiException.validRepositoryPath(
        path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
  }

  private static ApiException nameUnknown(String path, String message) {
    return new ApiException(HttpStatus.NOT_FOUND, "NAME_UNKNOWN", message, path);
  }
}

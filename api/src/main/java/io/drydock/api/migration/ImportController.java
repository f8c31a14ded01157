package io.drydock.api.migration;

import io.drydock.activities.legacy.LegacyStorage;
import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.migration.RepositoryState;
import io.drydock.api.errors.ApiException;
import io.drydock.workflows.migration.ImportType;
import io.drydock.workflows.migration.MigrationStatus;
import io.drydock.workflows.migration.RepositoryPaths;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The GitLab container registry's import API: {@code PUT /gitlab/v1/import/<path>/?import_type=pre} starts a
 * pre-import, {@code GET /gitlab/v1/import/<path>/} reports the repository's migration status. Every check runs
 * before anything is written, so a refused request changes nothing.
 */
@RestController
@RequestMapping("/gitlab/v1/import")
class ImportController {
  private final RegistryStore store;
  private final LegacyStorage legacy;
  private final PreImportStarter preImports;

  ImportController(RegistryStore store, LegacyStorage legacy, PreImportStarter preImports) {
    this.store = store;
    this.legacy = legacy;
    this.preImports = preImports;
  }

  @PutMapping("/{*path}")
  ResponseEntity<?> start(
      @PathVariable("path") String rawPath, @RequestParam(name = "import_type", required = false) String importType) {
    String path = repositoryPath(rawPath);
    ImportType type =
        ImportType.fromWireValue(importType == null ? "" : importType)
            .orElseThrow(
                () ->
                    new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "INVALID_QUERY_PARAMETER_VALUE",
                        "import_type must be one of: pre, final",
                        "import_type=" + (importType == null ? "(missing)" : importType)));
    if (!legacy.repositoryExists(path)) {
      throw nameUnknown(path, "repository not found in the legacy storage");
    }
    if (type == ImportType.FINAL) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "UNSUPPORTED",
          "final import is not available yet: only import_type=pre is served",
          "import_type=final");
    }
    Optional<RepositoryState> current = store.find(path);
    if (current.isPresent() && current.get().status().isOnDatabase()) {
      return ResponseEntity.ok().build();
    }
    current.ifPresent(ImportController::refuseWhileInProgress);
    RepositoryState started = preImports.start(path, current);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(ImportStatusResponse.of(started));
  }

  @GetMapping("/{*path}")
  ImportStatusResponse status(@PathVariable("path") String rawPath) {
    String path = repositoryPath(rawPath);
    return store.find(path)
        .map(ImportStatusResponse::of)
        .orElseThrow(() -> nameUnknown(path, "repository has no migration status"));
  }

  static void refuseWhileInProgress(RepositoryState state) {
    if (state.status() == MigrationStatus.PRE_IMPORT_IN_PROGRESS) {
      throw new ApiException(
          HttpStatus.TOO_EARLY, "PRE_IMPORT_IN_PROGRESS", "repository is being pre imported", state.path());
    }
    if (state.status() == MigrationStatus.IMPORT_IN_PROGRESS) {
      throw new ApiException(
          HttpStatus.CONFLICT, "IMPORT_IN_PROGRESS", "repository is being imported", state.path());
    }
  }

  /** The path as captured after {@code /gitlab/v1/import}: one leading slash, and the contract's trailing slash. */
  private static String repositoryPath(String rawPath) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String candidate = path;
    RepositoryPaths.problem(candidate)
        .ifPresent(
            problem -> {
              throw new ApiException(HttpStatus.BAD_REQUEST, "NAME_INVALID", "invalid repository name", problem);
            });
    return path;
  }

  private static ApiException nameUnknown(String path, String message) {
    return new ApiException(HttpStatus.NOT_FOUND, "NAME_UNKNOWN", message, path);
  }
}

package io.drydock.api.migration;

import io.drydock.activities.migration.RegistryStore;
import io.drydock.activities.migration.RepositoryState;
import io.drydock.api.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator endpoints: {@code POST /api/v1/operator/imports/<path>/retry|cancel} send the {@code
 * retry} and {@code cancel} signals to the repository's open import run, as {@code temporal
 * workflow signal} would.
 */
@RestController
@RequestMapping("/api/v1/operator/imports")
class OperatorController {
  private static final Set<String> SIGNALS = Set.of("retry", "cancel");

  private final RegistryStore store;
  private final ImportStarter imports;

  OperatorController(RegistryStore store, ImportStarter imports) {
    this.store = store;
    this.imports = imports;
  }

  @Operation(
      summary = "Send an operator signal (retry or cancel) to the repository's import run",
      responses = {
        @ApiResponse(
            responseCode = "202",
            description = "signaled: the repository's status",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ImportStatusResponse.class)))
      })
  @PostMapping("/{*pathAndSignal}")
  ResponseEntity<ImportStatusResponse> signal(@PathVariable("pathAndSignal") String pathAndSignal) {
    String trimmed = pathAndSignal.replaceAll("^/+|/+$", "");
    int slash = trimmed.lastIndexOf('/');
    String signal = slash < 0 ? "" : trimmed.substring(slash + 1);
    if (!SIGNALS.contains(signal)) {
      throw new ApiException(
          HttpStatus.NOT_FOUND,
          "NOT_FOUND",
          "operator endpoints are <path>/retry and <path>/cancel",
          pathAndSignal);
    }
    String path = ApiException.validRepositoryPath(trimmed.substring(0, slash));
    RepositoryState state =
        store
            .find(path)
            .filter(s -> s.importType() != null)
            .orElseThrow(
                () ->
                    new ApiException(
                        HttpStatus.NOT_FOUND,
                        "NAME_UNKNOWN",
                        "repository was never imported",
                        path));
    if (!imports.signal(state, signal)) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "IMPORT_NOT_RUNNING",
          "the repository's last "
              + state.importType().wireValue()
              + " import has no open run to signal",
          state.status().wireValue());
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(ImportStatusResponse.of(store.find(path).orElseThrow()));
  }
}

package io.drydock.api.migration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * GitLab's compliance check, {@code GET /gitlab/v1/}: GitLab Rails sends it, with its registry
 * token, before every import and aborts the import unless it answers 2xx or 401 ({@code
 * supports_gitlab_api?} in gitlabhq/gitlabhq lib/container_registry/gitlab_api_client.rb). It
 * answers as GitLab's registry does ({@code apiBase} in registry/handlers/app.go): 200, {@code {}},
 * and the registry's version without a leading {@code v}. The features header lists the
 * distribution API extensions a registry serves; Drydock serves none, so it is empty.
 */
@RestController
class ComplianceController {
  static final String VERSION_HEADER = "Gitlab-Container-Registry-Version";
  static final String FEATURES_HEADER = "Gitlab-Container-Registry-Features";

  private final String version;

  ComplianceController(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    this.version = properties == null ? "0.0.0-dev" : properties.getVersion();
  }

  @Operation(
      summary = "GitLab's API compliance check: any valid registry token",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "Drydock speaks GitLab's registry API",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping("/gitlab/v1/")
  ResponseEntity<String> check() {
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .header(VERSION_HEADER, version)
        .header(FEATURES_HEADER, "")
        .body("{}");
  }
}

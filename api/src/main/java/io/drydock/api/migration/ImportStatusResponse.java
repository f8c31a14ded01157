package io.drydock.api.migration;

import io.drydock.activities.migration.RepositoryState;
import io.swagger.v3.oas.annotations.media.Schema;

/** The import API's view of a repository, as GitLab Rails reads it. */
record ImportStatusResponse(
    String name, String path, String status, @Schema(nullable = true) String detail) {
  static ImportStatusResponse of(RepositoryState state) {
    return new ImportStatusResponse(
        state.name(), state.path(), state.status().wireValue(), state.detail());
  }
}

package io.drydock.api.migration;

import io.drydock.activities.migration.RepositoryState;

/** The import API's view of a repository, as GitLab Rails reads it. */
record ImportStatusResponse(String name, String path, String status, String detail) {
  static ImportStatusResponse of(RepositoryState state) {
    return new ImportStatusResponse(state.name(), state.path(), state.status().wireValue(), state.detail());
  }
}

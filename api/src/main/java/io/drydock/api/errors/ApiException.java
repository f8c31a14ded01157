package io.drydock.api.errors;

import io.drydock.workflows.migration.RepositoryPaths;
import org.springframework.http.HttpStatus;

/** An answer in the OCI error envelope; thrown by handlers, rendered by {@link OciErrorHandler}. */
public final class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final Object detail;

  public ApiException(HttpStatus status, String code, String message, Object detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** The error code the answer names, e.g. {@code IMPORT_RATE_LIMIT}: one of a fixed set. */
  public String code() {
    return code;
  }

  public HttpStatus status() {
    return status;
  }

  /** {@code path} itself when it is a valid repository path; otherwise 400 {@code NAME_INVALID}. */
  public static String validRepositoryPath(String path) {
    RepositoryPaths.problem(path)
        .ifPresent(
            problem -> {
              throw new ApiException(
                  HttpStatus.BAD_REQUEST, "NAME_INVALID", "invalid repository name", problem);
            });
    return path;
  }

  public OciError body() {
    return OciError.of(code, getMessage(), detail);
  }
}

package io.drydock.api.scan;

import org.springframework.http.HttpStatus;

/** An answer in Clair's error envelope, {@code {"code": ..., "message": ...}}; rendered by {@link ClairErrorHandler}. */
final class ClairError extends RuntimeException {
  private final HttpStatus status;
  private final String code;

  ClairError(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static ClairError badRequest(String message) {
    return new ClairError(HttpStatus.BAD_REQUEST, "bad-request", message);
  }

  static ClairError notFound(String message) {
    return new ClairError(HttpStatus.NOT_FOUND, "not-found", message);
  }

  HttpStatus status() {
    return status;
  }

  Body body() {
    return new Body(code, getMessage());
  }

  record Body(String code, String message) {}
}

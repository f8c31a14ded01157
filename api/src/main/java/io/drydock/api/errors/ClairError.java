package io.drydock.api.errors;

import org.springframework.http.HttpStatus;

/**
 * An answer in Clair's error envelope, {@code {"code": ..., "message": ...}}; rendered by {@link
 * ApiErrorHandler}.
 */
public final class ClairError extends RuntimeException {
  private final HttpStatus status;
  private final String code;

  public ClairError(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static ClairError badRequest(String message) {
    return new ClairError(HttpStatus.BAD_REQUEST, "bad-request", message);
  }

  public static ClairError notFound(String message) {
    return new ClairError(HttpStatus.NOT_FOUND, "not-found", message);
  }

  HttpStatus status() {
    return status;
  }

  Body body() {
    return new Body(code, getMessage());
  }

  /** Clair's error body, as its {@code httputil} writes it. */
  public record Body(String code, String message) {}
}

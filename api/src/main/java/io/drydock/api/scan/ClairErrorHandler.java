package io.drydock.api.scan;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the Clair-compatible indexer endpoints, in Clair's envelope, so Clair clients can read them. */
@RestControllerAdvice(assignableTypes = ClairIndexerController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ClairErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ClairErrorHandler.class);

  @ExceptionHandler(ClairError.class)
  ResponseEntity<ClairError.Body> clair(ClairError e) {
    return ResponseEntity.status(e.status()).body(e.body());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ClairError.Body> unreadable(HttpMessageNotReadableException e) {
    return clair(ClairError.badRequest("request body is not valid JSON"));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ClairError.Body> mediaType(HttpMediaTypeNotSupportedException e) {
    return clair(new ClairError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "method-not-allowed", e.getMessage()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ClairError.Body> unexpected(Exception e) {
    log.error("unexpected error in the indexer API", e);
    return clair(new ClairError(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "internal error; see the API log"));
  }
}

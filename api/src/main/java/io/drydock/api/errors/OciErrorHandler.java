package io.drydock.api.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Renders every error of the API in the OCI envelope, including the ones Spring raises before a handler runs (unknown
 * route, wrong method), so callers never see another shape.
 */
@RestControllerAdvice
public class OciErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(OciErrorHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<OciError> api(ApiException e) {
    return ResponseEntity.status(e.status()).body(e.body());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<OciError> unknownRoute(NoResourceFoundException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(OciError.of("NOT_FOUND", "no such endpoint", "/" + e.getResourcePath()));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<OciError> wrongMethod(HttpRequestMethodNotSupportedException e) {
    return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
        .body(OciError.of("UNSUPPORTED", "method " + e.getMethod() + " is not supported here", null));
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<OciError> missingParameter(MissingServletRequestParameterException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST)
        .body(OciError.of("INVALID_QUERY_PARAMETER_VALUE", e.getMessage(), e.getParameterName()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<OciError> unexpected(Exception e) {
    log.error("unexpected error", e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(OciError.of("UNKNOWN", "internal error; see the API log", null));
  }
}

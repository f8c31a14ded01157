package io.drydock.api.errors;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * Renders every error of every handler (ours, actuator's) in the envelope of its path ({@link
 * ErrorEnvelope}). Spring MVC's own refusals (binding, conversion, media types, methods, unknown
 * routes) keep the status Spring gives them ({@link ResponseEntityExceptionHandler} knows each) and
 * get a message saying what was wrong. The body is always written as {@code application/json},
 * whatever the request's {@code Accept} asked for: a refusal of an {@code Accept} header must still
 * reach the caller.
 */
@RestControllerAdvice
public class ApiErrorHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);
  private static final int MAX_CAUSE_LENGTH = 300;

  private final MeterRegistry meters;

  public ApiErrorHandler(MeterRegistry meters) {
    this.meters = meters;
  }

  /**
   * Counted as {@code drydock_api_refusals_total{status, code}}: the codes are a fixed set, so the
   * series are bounded whatever the requests hold.
   */
  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e) {
    meters
        .counter(
            "drydock.api.refusals",
            "status",
            Integer.toString(e.status().value()),
            "code",
            e.code())
        .increment();
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
    if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
      answer.header(HttpHeaders.RETRY_AFTER, Long.toString(Unavailability.RETRY_AFTER.toSeconds()));
    }
    return answer.body(e.body());
  }

  @ExceptionHandler(ClairError.class)
  ResponseEntity<Object> clair(ClairError e) {
    return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON).body(e.body());
  }

  /**
   * Tomcat decodes query and form parameters lazily, on the first read, and throws this on a
   * malformed one.
   */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<Object> undecodableParameter(
      InvalidParameterException e, HttpServletRequest request) {
    return answer(
        request.getRequestURI(),
        HttpStatus.BAD_REQUEST,
        "INVALID_QUERY_PARAMETER_VALUE",
        "a request parameter is not valid percent-encoded UTF-8",
        null,
        new HttpHeaders());
  }

  /**
   * Every handler's exceptions end here, so an unreachable or restarting database or Temporal
   * server answers 503 on every endpoint, whichever call ran into it: the caller may retry, and
   * nothing was changed (a transaction that did not commit changed nothing; a claim whose workflow
   * did not start is undone by {@code ImportStarter}).
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    String unavailable = Unavailability.of(e);
    if (unavailable != null) {
      log.warn(
          "{} {}: {} is unavailable: {}",
          request.getMethod(),
          request.getRequestURI(),
          unavailable,
          e.toString());
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Unavailability.RETRY_AFTER.toSeconds()));
      return answer(
          request.getRequestURI(),
          HttpStatus.SERVICE_UNAVAILABLE,
          "UNAVAILABLE",
          unavailable + " is unavailable; retry later",
          null,
          headers);
    }
    log.error("unexpected error answering {} {}", request.getMethod(), request.getRequestURI(), e);
    return answer(
        request.getRequestURI(),
        HttpStatus.INTERNAL_SERVER_ERROR,
        "UNKNOWN",
        "internal error; see the API log",
        null,
        new HttpHeaders());
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String uri = ((ServletWebRequest) request).getRequest().getRequestURI();
    if (status.is5xxServerError()) {
      log.error("error answering {}", uri, e);
    }
    if (e instanceof MissingServletRequestParameterException missing) {
      return answer(
          uri,
          status,
          "INVALID_QUERY_PARAMETER_VALUE",
          missing.getMessage(),
          missing.getParameterName(),
          headers);
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      String code =
          mismatch.getParameter().hasParameterAnnotation(RequestParam.class)
              ? "INVALID_QUERY_PARAMETER_VALUE"
              : null;
      String message = mismatch.getName() + " must be " + typeName(mismatch.getRequiredType());
      return answer(
          uri, status, code, message, mismatch.getName() + "=" + mismatch.getValue(), headers);
    }
    if (e instanceof HttpMessageNotReadableException unreadable) {
      return answer(
          uri,
          status,
          null,
          "the request body could not be read: " + cause(unreadable),
          null,
          headers);
    }
    if (e instanceof HttpMediaTypeException mediaType) {
      return answer(uri, status, null, mediaType.getMessage(), null, headers);
    }
    if (e instanceof HttpRequestMethodNotSupportedException method) {
      return answer(
          uri,
          status,
          null,
          "method " + method.getMethod() + " is not supported here",
          null,
          headers);
    }
    if (e instanceof NoResourceFoundException unknown) {
      return answer(
          uri, status, "NOT_FOUND", "no such endpoint", "/" + unknown.getResourcePath(), headers);
    }
    String message =
        body instanceof ProblemDetail problem && problem.getDetail() != null
            ? problem.getDetail()
            : e.getMessage();
    return answer(uri, status, null, message, null, headers);
  }

  private static ResponseEntity<Object> answer(
      String uri,
      HttpStatusCode status,
      String ociCode,
      String message,
      Object detail,
      HttpHeaders headers) {
    return ResponseEntity.status(status)
        .headers(headers)
        .contentType(MediaType.APPLICATION_JSON)
        .body(ErrorEnvelope.body(uri, status, ociCode, message, detail));
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    return switch (type.getSimpleName()) {
      case "int", "Integer", "long", "Long" -> "an integer";
      case "boolean", "Boolean" -> "true or false";
      default -> "a " + type.getSimpleName();
    };
  }

  /** What the body parser said, without the stack of wrappers around it and bounded in length. */
  private static String cause(HttpMessageNotReadableException e) {
    Throwable cause = e.getMostSpecificCause();
    String text =
        cause instanceof JacksonException jackson
            ? jackson.getOriginalMessage()
            : cause.getMessage();
    if (text == null) {
      text = "it is missing or malformed";
    }
    return text.length() <= MAX_CAUSE_LENGTH ? text : text.substring(0, MAX_CAUSE_LENGTH) + "...";
  }
}

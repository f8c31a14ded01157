package io.drydock.api.errors;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors the servlet container raises itself, before Spring MVC sees the request (a path with an encoded slash, a
 * malformed URI), in the OCI envelope too.
 */
@RestController
public class OciErrorController implements ErrorController {
  @RequestMapping("/error")
  ResponseEntity<OciError> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer value && HttpStatus.resolve(value) != null
            ? HttpStatus.valueOf(value)
            : HttpStatus.BAD_REQUEST;
    String errorCode = status.value() == 404 ? "NOT_FOUND" : status.is4xxClientError() ? "BAD_REQUEST" : "UNKNOWN";
    return ResponseEntity.status(status).body(OciError.of(errorCode, status.getReasonPhrase(), null));
  }
}

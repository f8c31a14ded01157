package io.drydock.api.errors;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * Tomcat answers some requests itself before they reach Spring (a NUL byte or other invalid
 * characters in the URI, a request line with an HTTP version it does not speak, a transfer coding
 * it does not know) and renders an HTML page for them. This valve renders those in the envelope of
 * the path instead. A 5xx Tomcat raises without an exception ({@code 505 HTTP Version Not
 * Supported}, {@code 501 Not Implemented}) is about what the client sent, so it is answered 400
 * (405 for a method such as {@code CONNECT}, which Tomcat refuses before any filter): only a
 * failure of the server itself answers 5xx.
 */
public class ContainerErrorReportValve extends ErrorReportValve {
  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    String message;
    if (status < 500) {
      message = "the request could not be parsed";
    } else if (status == HttpStatus.NOT_IMPLEMENTED.value()
        && !MalformedRequestFilter.METHODS.contains(method(request))) {
      message = "method " + method(request) + " is not supported";
      status = HttpStatus.METHOD_NOT_ALLOWED.value();
      response.setStatus(status);
    } else if (throwable == null || refusesTheRequest(status)) {
      message = "the request could not be served: " + reason(status);
      status = HttpStatus.BAD_REQUEST.value();
      response.setStatus(status);
    } else {
      message = "internal error; see the API log";
    }
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(
            ErrorEnvelope.json(
                request.getRequestURI(), HttpStatusCode.valueOf(status), null, message, null));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      container.getLogger().warn("could not write the error envelope for status " + status, e);
    }
  }

  /**
   * 501 (a transfer coding Tomcat does not know) and 505 (an HTTP version it does not speak) are
   * about what the client sent, with or without the exception Tomcat attaches to them: a parse of a
   * later request on the same connection carries one.
   */
  private static boolean refusesTheRequest(int status) {
    return status == HttpStatus.NOT_IMPLEMENTED.value()
        || status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value();
  }

  private static String method(Request request) {
    return request.getMethod() == null ? "" : request.getMethod();
  }

  private static String reason(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "error " + status : known.getReasonPhrase().toLowerCase(Locale.ROOT);
  }
}

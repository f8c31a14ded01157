package io.drydock.api.errors;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat answers some requests itself before they reach Spring (a NUL byte or other invalid characters in the URI)
 * and renders an HTML page for them. This valve renders those in the OCI envelope instead.
 */
public class OciErrorReportValve extends ErrorReportValve {
  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    String code = status == 404 ? "NOT_FOUND" : status < 500 ? "BAD_REQUEST" : "UNKNOWN";
    String message = status < 500 ? "the request could not be parsed" : "internal error; see the API log";
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(
            "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":" + status + "}]}");
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      container.getLogger().warn("could not write the error envelope for status " + status, e);
    }
  }
}

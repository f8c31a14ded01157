package io.drydock.api.security;

import io.drydock.api.Json;
import io.drydock.api.errors.ErrorEnvelope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.util.StringUtils;

/**
 * Spring Security's refusals in the envelope of the path ({@link ErrorEnvelope}: Clair's under
 * {@code /indexer/}, OCI's elsewhere), as the rest of the API answers, and the requests the
 * firewall rejects before anything else runs. Every authentication or authorization refusal is 401
 * {@code UNAUTHORIZED} with RFC 6750's {@code WWW-Authenticate} challenge: no token, one that does
 * not verify, and a valid token without the access the endpoint needs ({@code
 * error="insufficient_scope"}). The last is 401 rather than RFC 6750's 403 because GitLab's
 * registry (distribution's token authentication) answers it so, and GitLab Rails maps 401 but takes
 * 403 as an error that aborts the import.
 */
final class SecurityErrors
    implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {
  private static final String REALM = "drydock";

  /**
   * RFC 6750's challenge, written here rather than by Spring's bearer entry point, which always
   * adds a {@code resource_metadata} URL built from the request's Host header: any client could
   * make the answer name any host.
   */
  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    HttpStatus status = HttpStatus.UNAUTHORIZED;
    StringBuilder challenge = new StringBuilder("Bearer realm=\"" + REALM + "\"");
    String detail = "no bearer token: send Authorization: Bearer <JWT>";
    if (e instanceof OAuth2AuthenticationException oauth) {
      OAuth2Error error = oauth.getError();
      appendParameter(challenge, "error", error.getErrorCode());
      if (StringUtils.hasText(error.getDescription())) {
        appendParameter(challenge, "error_description", error.getDescription());
        detail = error.getDescription();
      }
      if (StringUtils.hasText(error.getUri())) {
        appendParameter(challenge, "error_uri", error.getUri());
      }
      if (error instanceof BearerTokenError bearer) {
        status = bearer.getHttpStatus();
      }
    }
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
    response.setStatus(status.value());
    write(request, response, "UNAUTHORIZED", "authentication required", detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    String detail =
        "the token's access claim must hold {\"type\":\"registry\",\"name\":\"import\"} with the action \"*\" for"
            + " the callers' APIs and reads, or \"operator\" for an operator's changes";
    StringBuilder challenge = new StringBuilder("Bearer realm=\"" + REALM + "\"");
    appendParameter(challenge, "error", "insufficient_scope");
    appendParameter(challenge, "error_description", detail);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
    response.setStatus(HttpStatus.UNAUTHORIZED.value());
    write(request, response, "UNAUTHORIZED", "authentication required", detail);
  }

  /**
   * Spring Security's firewall refuses, before authentication, a path that is not normalized
   * ({@code ..}, {@code //}), holds an encoded slash or percent, a semicolon or a backslash, and
   * methods it does not know. Under the import API such a path can only be a bad repository name,
   * so it answers as the handlers would; so does an unknown method.
   */
  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
      throws IOException {
    if (Arrays.stream(HttpMethod.values())
        .noneMatch(method -> method.matches(request.getMethod()))) {
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
      write(
          request,
          response,
          null,
          "method " + request.getMethod() + " is not supported here",
          null);
      return;
    }
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    String code = ErrorEnvelope.malformedPathCode(request.getRequestURI());
    write(
        request,
        response,
        code,
        code == null ? "the request could not be parsed" : "invalid repository name",
        e.getMessage());
  }

  /** A quoted-string (RFC 9110 section 5.6.4): the description is an exception's message. */
  private static void appendParameter(StringBuilder challenge, String name, String value) {
    String quoted =
        value.replaceAll("[\\p{Cntrl}]", " ").replace("\\", "\\\\").replace("\"", "\\\"");
    challenge.append(", ").append(name).append("=\"").append(quoted).append('"');
  }

  /** The body, for the status already set, in the envelope of the request's path. */
  private void write(
      HttpServletRequest request,
      HttpServletResponse response,
      String ociCode,
      String message,
      String detail)
      throws IOException {
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    HttpStatusCode status = HttpStatusCode.valueOf(response.getStatus());
    Json.MAPPER.writeValue(
        response.getOutputStream(),
        ErrorEnvelope.body(request.getRequestURI(), status, ociCode, message, detail));
  }
}

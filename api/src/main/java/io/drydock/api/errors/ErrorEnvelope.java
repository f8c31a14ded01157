package io.drydock.api.errors;

import io.drydock.api.Json;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The two envelopes the API refuses requests in, chosen by the request's path: Clair's {@code
 * {"code","message"}} under {@code /indexer/}, the OCI distribution envelope {@code
 * {"errors":[{"code","message","detail"}]}} everywhere else. Every refusal goes through here,
 * whoever raises it: our handlers, Spring MVC, Spring Security, the servlet container or {@link
 * MalformedRequestFilter}, so a caller never sees another shape.
 */
public final class ErrorEnvelope {
  private static final String IMPORT_PATHS = "/gitlab/v1/import/";

  private ErrorEnvelope() {}

  /**
   * Whether the request's path is one of Clair's indexer API, which answers in Clair's envelope.
   */
  public static boolean isClairPath(String requestUri) {
    return requestUri != null
        && (requestUri.equals("/indexer") || requestUri.startsWith("/indexer/"));
  }

  /**
   * The OCI code of a refused path: under the import API the path is the repository's name, so a
   * path that cannot be read is an invalid name there ({@code NAME_INVALID}), as the import
   * handlers answer; null elsewhere.
   */
  public static String malformedPathCode(String requestUri) {
    return requestUri != null && requestUri.startsWith(IMPORT_PATHS) ? "NAME_INVALID" : null;
  }

  /**
   * The body of a refusal.
   *
   * @param ociCode the OCI error code, or null for the one {@link #ociCode(HttpStatusCode)} derives
   *     from the status
   */
  public static Object body(
      String requestUri, HttpStatusCode status, String ociCode, String message, Object detail) {
    if (isClairPath(requestUri)) {
      return new ClairError.Body(clairCode(status), message);
    }
    return OciError.of(ociCode == null ? ociCode(status) : ociCode, message, detail);
  }

  /** {@link #body} as JSON, for the places that write the response themselves. */
  static String json(
      String requestUri, HttpStatusCode status, String ociCode, String message, Object detail) {
    return Json.MAPPER.writeValueAsString(body(requestUri, status, ociCode, message, detail));
  }

  /**
   * The distribution spec's code where it has one ({@code UNSUPPORTED} for a method), else the
   * reason phrase.
   */
  static String ociCode(HttpStatusCode status) {
    return switch (status.value()) {
      case 401 -> "UNAUTHORIZED";
      case 403 -> "DENIED";
      case 405 -> "UNSUPPORTED";
      case 429 -> "TOOMANYREQUESTS";
      case 503 -> "UNAVAILABLE";
      default -> reasonPhrase(status).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    };
  }

  /**
   * Clair's codes are its reason phrases in kebab case ({@code bad-request}, {@code not-found}...).
   */
  static String clairCode(HttpStatusCode status) {
    return reasonPhrase(status).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }

  private static String reasonPhrase(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "error " + status.value() : known.getReasonPhrase();
  }
}

package io.drydock.api.errors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any other filter reads the request, what the rest of the stack would only
 * discover lazily and then fail on: a method none of our endpoints has, and percent-escapes in the
 * path or query that are malformed ({@code %zz}, a trailing {@code %}) or decode to bytes that are
 * not UTF-8 ({@code %ff}). Tomcat and Spring decode those on their first read, from inside Spring
 * Security's filters or the error page's own dispatch, where a failure can only become a 500; here
 * it is a 400 (405 for the method) in the path's envelope.
 */
public class MalformedRequestFilter extends OncePerRequestFilter {
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  private static final String ALLOW = String.join(", ", METHODS.stream().sorted().toList());

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String uri = request.getRequestURI();
    if (!METHODS.contains(request.getMethod())) {
      response.setHeader(HttpHeaders.ALLOW, ALLOW);
      refuse(
          response,
          uri,
          HttpStatus.METHOD_NOT_ALLOWED,
          null,
          "method " + request.getMethod() + " is not supported");
      return;
    }
    Optional<String> pathProblem = encodingProblem(uri, false);
    if (pathProblem.isPresent()) {
      refuse(
          response,
          uri,
          HttpStatus.BAD_REQUEST,
          ErrorEnvelope.malformedPathCode(uri),
          "the path " + pathProblem.get());
      return;
    }
    Optional<String> queryProblem = encodingProblem(request.getQueryString(), true);
    if (queryProblem.isPresent()) {
      refuse(
          response,
          uri,
          HttpStatus.BAD_REQUEST,
          "INVALID_QUERY_PARAMETER_VALUE",
          "the query " + queryProblem.get());
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * Why the raw (still encoded) text does not decode as RFC 3986 percent-encoded UTF-8, if it does
   * not.
   */
  static Optional<String> encodingProblem(String raw, boolean query) {
    if (raw == null || raw.indexOf('%') < 0) {
      return Optional.empty();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.writeBytes(
            String.valueOf(query && c == '+' ? ' ' : c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (high < 0 || low < 0) {
        return Optional.of(
            "holds a malformed percent-escape at character "
                + (i + 1)
                + ": % must be followed by"
                + " two hex digits");
      }
      bytes.write(high * 16 + low);
      i += 2;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("holds percent-escapes that do not decode as UTF-8");
    }
  }

  private static void refuse(
      HttpServletResponse response, String uri, HttpStatus status, String ociCode, String message)
      throws IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(ErrorEnvelope.json(uri, status, ociCode, message, null));
  }
}

package io.drydock.api.scan;

import io.drydock.api.errors.ClairError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The answer's media type as Clair's server picks it ({@code pickContentType}, quay/clair {@code
 * httptransport/common.go} at eb22407da3d3ee32534ed956be3696080754288d): without an {@code Accept}
 * header the first type an endpoint offers, its vendor type; otherwise every listed range, stably
 * sorted by {@code q} (1 when absent, 0 when unreadable) from highest to lowest, and the first
 * offered type the first range matches. {@code q=0} is not "not acceptable" there, only last. No
 * match is 415, a range Go's {@code mime.ParseMediaType} refuses is 400.
 */
final class ClairMediaTypes {
  static final String INDEX_REPORT = "application/vnd.clair.index_report.v1+json";
  static final String INDEX_STATE = "application/vnd.clair.index_state.v1+json";
  static final String AFFECTED_MANIFESTS = "application/vnd.clair.affected_manifests.v1+json";
  static final String JSON = "application/json";

  /**
   * Go's {@code strconv.ParseFloat} syntax for decimals, infinities and NaN (hexadecimal floats
   * read as 0 here).
   */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private ClairMediaTypes() {}

  private record Range(String type, String subtype, double q) {
    boolean matches(String offered) {
      if (type.equals("*") && subtype.equals("*")) {
        return true;
      }
      int slash = offered.indexOf('/');
      return type.equals(offered.substring(0, slash))
          && (subtype.equals(offered.substring(slash + 1)) || subtype.equals("*"));
    }
  }

  /**
   * @param request the request, whose every {@code Accept} header is read in order, as Clair's
   *     handler reads {@code r.Header["Accept"]}
   * @param offered the endpoint's types, its vendor type first
   */
  static String pick(HttpServletRequest request, List<String> offered) {
    List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
    if (accept.isEmpty()) {
      return offered.get(0);
    }
    List<Range> ranges = new ArrayList<>();
    for (String header : accept) {
      // Go's strings.Split keeps empty elements, and an empty media range is malformed there.
      for (String element : header.split(",", -1)) {
        ranges.add(parse(element.strip()));
      }
    }
    // A NaN sorts as 0: Go's sort merely leaves it somewhere, and a comparator must be consistent.
    ranges.sort(
        Comparator.comparingDouble((Range range) -> Double.isNaN(range.q()) ? 0 : range.q())
            .reversed());
    for (Range range : ranges) {
      for (String type : offered) {
        if (range.matches(type)) {
          return type;
        }
      }
    }
    throw new ClairError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "unable to negotiate common media type for " + offered);
  }

  /**
   * One range as Go's {@code mime.ParseMediaType} reads it (go/src/mime/mediatype.go): a
   * lower-cased {@code type/subtype} of token characters, then {@code ;name=value} parameters, a
   * value a token or a quoted string, a trailing semicolon ignored, one name twice only with the
   * same value. A type without a subtype parses there, and Clair's handler then panics on it,
   * dropping the connection: here it is a malformed request like the others.
   */
  private static Range parse(String element) {
    int semicolon = element.indexOf(';');
    String base =
        (semicolon < 0 ? element : element.substring(0, semicolon))
            .toLowerCase(Locale.ROOT)
            .strip();
    int slash = base.indexOf('/');
    if (slash < 0 || !isToken(base.substring(0, slash)) || !isToken(base.substring(slash + 1))) {
      throw malformed("\"" + element + "\" is not a media range type/subtype");
    }
    Map<String, String> parameters =
        semicolon < 0 ? Map.of() : parameters(element, element.substring(semicolon));
    return new Range(
        base.substring(0, slash), base.substring(slash + 1), quality(parameters.get("q")));
  }

  private static Map<String, String> parameters(String element, String text) {
    Map<String, String> parameters = new HashMap<>();
    int at = 0;
    while (true) {
      at = skipSpace(text, at);
      if (at == text.length()) {
        return parameters;
      }
      if (text.charAt(at) != ';') {
        throw malformed("\"" + element + "\" has an invalid media parameter");
      }
      int nameStart = skipSpace(text, at + 1);
      int nameEnd = tokenEnd(text, nameStart);
      if (nameEnd == nameStart) {
        if (text.substring(at + 1).isBlank()) {
          return parameters; // a trailing semicolon
        }
        throw malformed("\"" + element + "\" has an invalid media parameter");
      }
      String name = text.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
      at = skipSpace(text, nameEnd);
      if (at == text.length() || text.charAt(at) != '=') {
        throw malformed("\"" + element + "\" has an invalid media parameter");
      }
      at = skipSpace(text, at + 1);
      String value;
      if (at < text.length() && text.charAt(at) == '"') {
        StringBuilder quoted = new StringBuilder();
        int i = at + 1;
        for (; i < text.length() && text.charAt(i) != '"'; i++) {
          char c = text.charAt(i);
          if (c == '\r' || c == '\n') {
            break;
          }
          if (c == '\\' && i + 1 < text.length() && isSpecial(text.charAt(i + 1))) {
            c = text.charAt(++i);
          }
          quoted.append(c);
        }
        if (i >= text.length() || text.charAt(i) != '"') {
          throw malformed("\"" + element + "\" has an unterminated quoted parameter");
        }
        value = quoted.toString();
        at = i + 1;
      } else {
        int end = tokenEnd(text, at);
        if (end == at) {
          throw malformed("\"" + element + "\" has an invalid media parameter");
        }
        value = text.substring(at, end);
        at = end;
      }
      String previous = parameters.putIfAbsent(name, value);
      if (previous != null && !previous.equals(value)) {
        throw malformed("\"" + element + "\" has the parameter " + name + " twice");
      }
    }
  }

  private static double quality(String q) {
    if (q == null) {
      return 1.0;
    }
    String lower = q.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    return DECIMAL.matcher(q).matches() ? Double.parseDouble(q) : 0;
  }

  private static ClairError malformed(String why) {
    return ClairError.badRequest("malformed request: " + why);
  }

  private static int skipSpace(String text, int at) {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  private static int tokenEnd(String text, int at) {
    while (at < text.length() && isTokenChar(text.charAt(at))) {
      at++;
    }
    return at;
  }

  private static boolean isToken(String text) {
    return !text.isEmpty() && tokenEnd(text, 0) == text.length();
  }

  /** RFC 1521's token: US-ASCII except space, controls and tspecials. */
  private static boolean isTokenChar(char c) {
    return c > ' ' && c < 0x7f && !isSpecial(c);
  }

  private static boolean isSpecial(char c) {
    return "()<>@,;:\\\"/[]?=".indexOf(c) >= 0;
  }
}

package io.drydock.activities.scan.indexer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An os-release {@code CPE_NAME} as claircore writes a distribution's {@code cpe}: it unbinds the
 * name, a CPE 2.2 URI ({@code cpe:/o:redhat:enterprise_linux:9::baseos}) or a CPE 2.3 formatted
 * string, and binds it again as a formatted string; a name it cannot unbind is left out
 * (quay/claircore {@code osrelease/scanner.go}, {@code toolkit/types/cpe/unbind.go} and {@code
 * bind.go} at b882dc5d2b7309c53d10f1cd021bb5c9c86e4514). Stricter than claircore in one way: a
 * value with a wildcard ({@code *} or {@code ?} inside it) is refused, as no os-release file names
 * a pattern.
 */
public final class Cpe {
  private static final String URI_PREFIX = "cpe:/";
  private static final String FS_PREFIX = "cpe:2.3:";
  private static final int ATTRIBUTES = 11;

  /** part, vendor, product, version, update, edition, language: the URI's components. */
  private static final int URI_COMPONENTS = 7;

  private static final int EDITION = 5;

  /**
   * A value that is only a quoted hyphen, which would read as "not applicable" (NISTIR 7695 5.3.2).
   */
  private static final Pattern QUOTED_HYPHEN_ALONE = Pattern.compile("(^|:)\\\\-(:|$)");

  /** Where edition, sw_edition, target_sw, target_hw and other of a packed edition go. */
  private static final int[] PACKED_ATTRIBUTES = {5, 7, 8, 9, 10};

  /**
   * Characters a URI component may not hold (NISTIR 7695 table 6-1, as claircore's unbindURI lists
   * them).
   */
  private static final String URI_DISALLOWED = "!\"#$&'()*+,/:;<=>?@[\\]^`{|}";

  private Cpe() {}

  /**
   * The name bound as a CPE 2.3 formatted string, or empty when it is none or is not well-formed.
   */
  public static String formattedString(String name) {
    List<String> values;
    if (name.startsWith(URI_PREFIX)) {
      values = unbindUri(name.substring(URI_PREFIX.length()));
    } else if (name.startsWith(FS_PREFIX)) {
      values = unbindFormattedString(name.substring(FS_PREFIX.length()));
    } else {
      return "";
    }
    if (values == null || !valid(values)) {
      return "";
    }
    return "cpe:2.3:" + String.join(":", values);
  }

  /**
   * The eleven attributes in formatted-string form ({@code *} any, {@code -} not applicable), or
   * null.
   */
  private static List<String> unbindUri(String components) {
    String[] parts = components.split(":", -1);
    if (parts.length > URI_COMPONENTS) {
      return null;
    }
    // Attribute order of the formatted string: the URI's seven, then sw_edition, target_sw,
    // target_hw, other.
    String[] values = new String[ATTRIBUTES];
    Arrays.fill(values, "*");
    for (int i = 0; i < parts.length; i++) {
      if (i == EDITION && parts[i].startsWith("~")) {
        // A packed edition, ~edition~sw_edition~target_sw~target_hw~other.
        String[] packed = parts[i].substring(1).split("~", -1);
        if (packed.length > PACKED_ATTRIBUTES.length) {
          return null;
        }
        for (int p = 0; p < packed.length; p++) {
          values[PACKED_ATTRIBUTES[p]] = uriValue(packed[p]);
        }
      } else {
        values[i] = uriValue(parts[i]);
      }
    }
    List<String> unbound = Arrays.asList(values);
    return unbound.contains(null) ? null : unbound;
  }

  /**
   * A URI component in formatted-string form, or null when it holds a character the URI may not.
   */
  private static String uriValue(String component) {
    if (component.isEmpty()) {
      return "*";
    }
    if (component.equals("-")) {
      return "-";
    }
    String value = component.toLowerCase(Locale.ROOT);
    StringBuilder bound = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (URI_DISALLOWED.indexOf(c) >= 0) {
        return null;
      }
      if (c == '%') {
        // Percent-encoded punctuation; %01 and %02 are the wildcards ? and *, refused.
        int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
        int decoded = high * 16 + low;
        if (high < 0 || low < 0 || decoded <= 0x02 || decoded > 0x7e) {
          return null;
        }
        c = (char) decoded;
        i += 2;
      }
      appendQuoted(bound, c);
    }
    return bound.toString();
  }

  /**
   * The attributes of the part after {@code cpe:2.3:}, unquoted where the formatted string needs no
   * quoting.
   */
  private static List<String> unbindFormattedString(String attributes) {
    if (QUOTED_HYPHEN_ALONE.matcher(attributes).find()) {
      return null;
    }
    List<String> values = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < attributes.length(); i++) {
      char c = attributes.charAt(i);
      if (c == '\\' && i + 1 < attributes.length()) {
        appendQuoted(value, attributes.charAt(++i));
      } else if (c == ':') {
        values.add(value.toString());
        value.setLength(0);
      } else if (c == '*' || c == '?' || c == '-' && value.length() == 0) {
        value.append(c);
      } else {
        appendQuoted(value, c);
      }
    }
    values.add(value.toString());
    if (values.size() > ATTRIBUTES) {
      return null;
    }
    List<String> bound = new ArrayList<>();
    for (String v : values) {
      bound.add(v.isEmpty() ? "*" : v);
    }
    while (bound.size() < ATTRIBUTES) {
      bound.add("*");
    }
    return bound;
  }

  /**
   * Appends {@code c} as a formatted string holds it: letters, digits, {@code _ . -} plain, the
   * rest quoted.
   */
  private static void appendQuoted(StringBuilder value, char c) {
    boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    if (!alphanumeric && c != '_' && c != '.' && c != '-') {
      value.append('\\');
    }
    value.append(c);
  }

  /**
   * ASCII without spaces or unquoted wildcards, and a part that is {@code a}, {@code o} or {@code
   * h} when set.
   */
  private static boolean valid(List<String> values) {
    for (String value : values) {
      if (value.equals("*") || value.equals("-")) {
        continue;
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c > 0x7e || c <= 0x20) {
          return false;
        }
        boolean quoted = i > 0 && value.charAt(i - 1) == '\\';
        if ((c == '*' || c == '?') && !quoted) {
          return false;
        }
      }
    }
    String part = values.get(0);
    return part.equals("*")
        || part.equals("-")
        || part.equals("a")
        || part.equals("o")
        || part.equals("h");
  }
}

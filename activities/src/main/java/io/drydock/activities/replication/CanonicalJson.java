package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The canonical form TUF signs, byte for byte as securesystemslib's {@code encode_canonical} writes
 * it (python-tuf's {@code CanonicalJSONSerializer}; tough writes the same): objects with their keys
 * sorted by code point, no whitespace, strings with only {@code \} and {@code "} escaped (every
 * other character as itself, UTF-8), integers in decimal, {@code true}, {@code false}, {@code
 * null}. A document it cannot encode (a number with a fraction or an exponent, a string with an
 * unpaired surrogate) cannot have been signed, so it is refused.
 */
public final class CanonicalJson {
  /**
   * Python compares strings by code point; {@link String#compareTo} compares UTF-16 units, which
   * differs above U+FFFF.
   */
  private static final Comparator<String> CODE_POINT_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int x = a.codePointAt(i);
          int y = b.codePointAt(j);
          if (x != y) {
            return Integer.compare(x, y);
          }
          i += Character.charCount(x);
          j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  private CanonicalJson() {}

  /**
   * @throws IllegalArgumentException naming what cannot be encoded
   */
  public static byte[] encode(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(node, out);
    return out.toByteArray();
  }

  private static void write(JsonNode node, ByteArrayOutputStream out) {
    switch (node.getNodeType()) {
      case OBJECT:
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        fields.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
        out.write('{');
        for (int i = 0; i < fields.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          writeString(fields.get(i).getKey(), out);
          out.write(':');
          write(fields.get(i).getValue(), out);
        }
        out.write('}');
        break;
      case ARRAY:
        out.write('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          write(node.get(i), out);
        }
        out.write(']');
        break;
      case STRING:
        writeString(node.textValue(), out);
        break;
      case NUMBER:
        if (!node.isIntegralNumber()) {
          throw new IllegalArgumentException(
              "a number with a fraction or an exponent has no canonical form: " + node);
        }
        out.writeBytes(node.bigIntegerValue().toString().getBytes(StandardCharsets.US_ASCII));
        break;
      case BOOLEAN:
        out.writeBytes(
            (node.booleanValue() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
        break;
      case NULL:
        out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
        break;
      default:
        throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }

  private static void writeString(String text, ByteArrayOutputStream out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
      if (!paired) {
        throw new IllegalArgumentException("a string with an unpaired surrogate has no UTF-8 form");
      }
    }
    out.write('"');
    out.writeBytes(
        text.replace("\\", "\\\\").replace("\"", "\\\"").getBytes(StandardCharsets.UTF_8));
    out.write('"');
  }
}

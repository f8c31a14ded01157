package io.drydock.quickstart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, sending the request line, headers and
 * body byte for byte as given: what {@link java.net.http.HttpClient} refuses to send (malformed
 * escapes, unknown methods, another protocol version, raw non-ASCII bytes, contradictory headers)
 * is exactly what a hostile client sends.
 */
public final class RawHttp {
  private static final int MAX_RESPONSE_BYTES = 4 << 20;

  private RawHttp() {}

  /** How the exchange ended: an answer, or a connection the server reset, or no answer in time. */
  public enum Outcome {
    ANSWERED,
    RESET,
    TIMED_OUT
  }

  public record Response(Outcome outcome, int status, String head, String body) {
    static Response failed(Outcome outcome, String why) {
      return new Response(outcome, 0, why, "");
    }
  }

  /**
   * Sends {@code method target protocol}, then {@code Host}, the headers, {@code Content-Length}
   * (unless a header already gives it or a {@code Transfer-Encoding}) and {@code Connection:
   * close}, then the body, and reads the answer to its end.
   */
  public static Response send(
      int port,
      String method,
      String target,
      String protocol,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      Duration timeout) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    write(request, method + " " + target + " " + protocol + "\r\n");
    write(request, "Host: 127.0.0.1:" + port + "\r\n");
    boolean framed = false;
    for (Map.Entry<String, String> header : headers) {
      write(request, header.getKey() + ": " + header.getValue() + "\r\n");
      framed |=
          header.getKey().equalsIgnoreCase("Content-Length")
              || header.getKey().equalsIgnoreCase("Transfer-Encoding");
    }
    if (!framed && body.length > 0) {
      write(request, "Content-Length: " + body.length + "\r\n");
    }
    write(request, "Connection: close\r\n\r\n");
    request.writeBytes(body);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      socket.shutdownOutput();
      return parse(readAll(socket.getInputStream()));
    } catch (SocketTimeoutException e) {
      return Response.failed(Outcome.TIMED_OUT, "no answer within " + timeout);
    } catch (IOException e) {
      return Response.failed(Outcome.RESET, e.toString());
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0 && answer.size() < MAX_RESPONSE_BYTES; ) {
      answer.write(buffer, 0, n);
    }
    return answer.toByteArray();
  }

  private static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int start = 0;
    // An interim 100 Continue (the request said Expect: 100-continue) comes before the answer.
    while (text.startsWith("HTTP/1.1 100", start) && text.indexOf("\r\n\r\n", start) >= 0) {
      start = text.indexOf("\r\n\r\n", start) + 4;
    }
    text = text.substring(start);
    bytes = Arrays.copyOfRange(bytes, start, bytes.length);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    byte[] content = end < 0 ? new byte[0] : Arrays.copyOfRange(bytes, end + 4, bytes.length);
    if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
      content = dechunked(content);
    }
    String body = new String(content, StandardCharsets.UTF_8);
    String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      return Response.failed(
          Outcome.RESET, "no HTTP status line in " + bytes.length + " bytes: " + abbreviate(head));
    }
    try {
      return new Response(Outcome.ANSWERED, Integer.parseInt(statusLine[1]), head, body);
    } catch (NumberFormatException e) {
      return Response.failed(Outcome.RESET, "unreadable status line: " + abbreviate(head));
    }
  }

  /** The body of a chunked answer, as far as its chunks are whole. */
  private static byte[] dechunked(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = 0;
    while (at < chunked.length) {
      int lineEnd = indexOf(chunked, at);
      if (lineEnd < 0) {
        break;
      }
      String sizeLine =
          new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1)
              .split(";", 2)[0].strip();
      int size;
      try {
        size = Integer.parseInt(sizeLine, 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (size == 0 || lineEnd + 2 + size > chunked.length) {
        break;
      }
      body.write(chunked, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return body.toByteArray();
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  public static String abbreviate(String text) {
    String oneLine = text.replace("\r", "\\r").replace("\n", "\\n");
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }

  private static void write(ByteArrayOutputStream out, String text) {
    // ISO-8859-1 keeps each char a byte, so a test can put raw bytes 0x80-0xff into the request
    // line or a header.
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}

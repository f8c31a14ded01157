package io.drydock.quickstart.http;

import io.drydock.quickstart.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Hostile requests, reproducible from a seed: a route the application maps, made concrete with
 * plausible and hostile values, then changed in one to three ways (method, path, query, headers,
 * media types, authorization, body, archive, protocol). Requests that change something are sent
 * only with values naming nothing that exists (an unknown sled, a repository not in the legacy
 * storage), so an accepted request changes little; reads may name what exists.
 */
final class FuzzCases {
  /** One request, as {@link RawHttp#send} sends it. */
  record Case(
      int index,
      String route,
      List<String> mutations,
      String method,
      String target,
      String protocol,
      List<Map.Entry<String, String>> headers,
      byte[] body) {
    boolean reads() {
      return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    String summary() {
      return "#"
          + index
          + " "
          + RawHttp.abbreviate(method + " " + target + " " + protocol)
          + " ["
          + String.join(",", mutations)
          + "] headers="
          + RawHttp.abbreviate(
              headers.stream()
                  .map(h -> h.getKey() + "=" + shortened(h.getValue()))
                  .toList()
                  .toString())
          + " body="
          + body.length
          + " bytes";
    }

    private static String shortened(String value) {
      return value.length() <= 48
          ? value
          : value.substring(0, 40) + "...(" + value.length() + " chars)";
    }
  }

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  private static final List<String> ODD_METHODS =
      List.of("TRACE", "CONNECT", "PROPFIND", "FOO", "get", "M-SEARCH", "PUT\u0000", "G\u00e9T");
  private static final List<String> HOSTILE_SEGMENTS =
      List.of(
          "%zz",
          "%ff",
          "%",
          "%0",
          "%00",
          "x;a%zz",
          ";a=b",
          "%2F",
          "%2e%2e",
          "..",
          ".",
          "%C3%A9",
          "\u00e9",
          "%E2%80%AE",
          "a b",
          "%20",
          "A".repeat(3000),
          "{}",
          "*",
          "%3B",
          "-1",
          "99999999999999999999",
          "sha256:",
          "SHA256:AB",
          "%u0041",
          "%%",
          "\\",
          "x%0d%0aSet-Cookie:a=b",
          "<script>");
  private static final List<String> QUERY_NAMES =
      List.of(
          "import_type",
          "pre",
          "force",
          "limit",
          "after",
          "repository",
          "x",
          "",
          "%zz",
          "%ff",
          "access_token");
  private static final List<String> QUERY_VALUES =
      List.of(
          "pre",
          "final",
          "true",
          "false",
          "maybe",
          "%ff",
          "%zz",
          "%",
          "abc",
          "1.5",
          "NaN",
          "1e3",
          "2147483648",
          "-1",
          "0",
          "5000",
          "5001",
          "../x",
          "demo/debian",
          "sha256:" + "0".repeat(64),
          "x@sha256:zz",
          "%00",
          "",
          "A".repeat(2000),
          "+",
          "%2B",
          "a&b",
          "\u00ff");
  private static final List<String> ACCEPTS =
      List.of(
          "garbage///",
          "application/json;q=abc",
          "text/html",
          "*/*",
          "application/json",
          "application/xml",
          "application/vnd.clair.index_report.v1+json",
          "application/vnd.clair.index_state.v1+json",
          "application/vnd.clair.affected_manifests.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "",
          ";",
          "*/*;q=0",
          "text/*, application/*;q=0.1",
          "application/json;charset=x-nope",
          "image/png");
  private static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "application/json; charset=x-nope",
          "application/json; charset=utf-16",
          "application/zip",
          "multipart/form-data",
          "multipart/form-data; boundary=x",
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          ";;;",
          "",
          "garbage///",
          "application/octet-stream",
          "application/vnd.clair.index_report.v1+json",
          "application/json;q=abc");
  private static final List<String> PROTOCOLS =
      List.of("HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "http/1.1", "HTTP/3");

  private final Random random;
  private final List<FuzzStack.Route> routes;
  private final String secret;
  private final byte[] archive;
  private final Map<String, String> authorizations;

  FuzzCases(
      long seed,
      List<FuzzStack.Route> routes,
      String secret,
      String operatorToken,
      byte[] archive) {
    this.random = new Random(seed);
    this.routes = routes;
    this.secret = secret;
    this.archive = archive;
    this.authorizations = authorizations(operatorToken);
  }

  Case next(int index) {
    FuzzStack.Route route = routes.get(random.nextInt(routes.size()));
    List<String> mapped = route.methods().isEmpty() ? METHODS : List.copyOf(route.methods());
    String method = pick(mapped);
    boolean changes = !(method.equals("GET") || method.equals("HEAD"));
    Draft draft = new Draft(route.pattern(), method, concretePath(route.pattern(), changes));
    draft.headers.put("Authorization", "Bearer " + authorizations.get("operator"));
    boolean upload =
        route.pattern().equals("/api/v1/artifact-repositories") && method.equals("POST");
    if (upload) {
      draft.headers.put("Content-Type", "application/zip");
      draft.body = archive;
    } else if (!changes) {
      draft.body = new byte[0];
    } else {
      draft.headers.put("Content-Type", "application/json");
      draft.body = baseBody(route.pattern()).getBytes(StandardCharsets.UTF_8);
    }
    List<Mutation> mutations = new ArrayList<>(List.of(Mutation.values()));
    int count = 1 + random.nextInt(3);
    if (upload) {
      Mutation.ARCHIVE.apply(this, draft);
      count--;
    }
    for (int i = 0; i < count; i++) {
      pick(mutations).apply(this, draft);
    }
    return draft.build(index);
  }

  /**
   * The route's pattern with each variable replaced: values naming nothing that exists unless the
   * request reads.
   */
  private String concretePath(String pattern, boolean changes) {
    StringBuilder path = new StringBuilder();
    for (String segment : pattern.substring(1).split("/", -1)) {
      path.append('/');
      if (segment.equals("{*path}")) {
        path.append(
            pick(changes
                    ? List.of("tools/busybox/", "no/such/repo/", "fuzz/x/")
                    : List.of("demo/debian/", "demo/alpine/", "tools/busybox/"))
                .replaceFirst("/$", ""));
        path.append('/');
      } else if (segment.equals("{*pathAndSignal}")) {
        path.append(pick(List.of("tools/busybox/retry", "no/such/repo/cancel", "fuzz/x/pause")));
      } else if (segment.startsWith("{") || segment.equals("**")) {
        path.append(variable(segment));
      } else {
        path.append(segment);
      }
    }
    return path.toString().replace("//", "/");
  }

  private String variable(String segment) {
    return switch (segment) {
      case "{digest}" -> "sha256:" + hex(32);
      case "{signal}" -> pick(List.of("pause", "resume", "cancel", "explode"));
      case "**" -> pick(List.of("liveness", "readiness", "db", "x"));
      default -> pick(List.of(uuid(), "sled-9", "x", "fuzz-" + random.nextInt(1000)));
    };
  }

  private String baseBody(String pattern) {
    return switch (pattern) {
      case "/api/v1/rescans" -> "{\"repository\":\"fuzz/none\",\"force\":false,\"concurrency\":2}";
      case "/api/v1/sleds/{id}" -> "{\"base_url\":\"http://127.0.0.1:9\"}";
      case "/indexer/api/v1/index_report" ->
          random.nextBoolean()
              ? "[\"sha256:" + hex(32) + "\"]"
              : "{\"hash\":\"sha256:"
                  + hex(32)
                  + "\",\"layers\":[{\"hash\":\"sha256:"
                  + hex(32)
                  + "\",\"uri\":\"http://127.0.0.1:9/blob\",\"headers\":{}}]}";
      case "/indexer/api/v1/internal/affected_manifest/" ->
          "{\"vulnerabilities\":[{\"id\":\""
              + random.nextInt(1000)
              + "\",\"package\":{\"name\":\""
              + pick(List.of("openssl", "libssl3", "busybox", ""))
              + "\"},\"distribution\":{\"did\":\""
              + pick(List.of("debian", "alpine", ""))
              + "\"},\"fixed_in_version\":\""
              + pick(List.of("1:1.0-1", "3.3.2-r1", "", "~"))
              + "\"}]}";
      default -> "{}";
    };
  }

  /** The ways a request is changed; each adds its name to the case. */
  enum Mutation {
    METHOD(
        (cases, draft) ->
            draft.method =
                cases.random.nextBoolean() ? cases.pick(ODD_METHODS) : cases.pick(METHODS)),
    PATH(
        (cases, draft) -> {
          String[] segments = draft.target.split("/", -1);
          int at = 1 + cases.random.nextInt(Math.max(1, segments.length - 1));
          segments[Math.min(at, segments.length - 1)] = cases.pick(HOSTILE_SEGMENTS);
          draft.target = String.join("/", segments);
          if (cases.random.nextInt(4) == 0) {
            draft.target = draft.target.replaceFirst("/", "//");
          }
        }),
    QUERY(
        (cases, draft) -> {
          StringBuilder query = new StringBuilder();
          for (int i = 0, n = 1 + cases.random.nextInt(3); i < n; i++) {
            query.append(i == 0 ? "" : cases.pick(List.of("&", "&&", ";")));
            query.append(cases.pick(QUERY_NAMES));
            if (cases.random.nextInt(5) > 0) {
              query.append('=').append(cases.pick(QUERY_VALUES));
            }
          }
          draft.target += (draft.target.contains("?") ? "&" : "?") + query;
        }),
    ACCEPT((cases, draft) -> draft.headers.put("Accept", cases.pick(ACCEPTS))),
    CONTENT_TYPE(
        (cases, draft) -> {
          String type = cases.pick(CONTENT_TYPES);
          if (type.isEmpty() && cases.random.nextBoolean()) {
            draft.headers.remove("Content-Type");
          } else {
            draft.headers.put("Content-Type", type);
          }
        }),
    AUTHORIZATION(
        (cases, draft) -> {
          String kind = cases.pick(List.copyOf(cases.authorizations.keySet()));
          String token = cases.authorizations.get(kind);
          switch (cases.random.nextInt(6)) {
            case 0 -> draft.headers.remove("Authorization");
            case 1 ->
                draft.headers.put(
                    "Authorization",
                    cases.pick(
                        List.of(
                            "Bearer",
                            "Bearer ",
                            "Basic Zm9vOmJhcg==",
                            "bearer " + token,
                            "Bearer  " + token,
                            "Bearer " + token + " x",
                            "Token " + token,
                            "\u00ff")));
            default -> draft.headers.put("Authorization", "Bearer " + token);
          }
        }),
    BODY(
        (cases, draft) ->
            draft.body = cases.hostileBody(new String(draft.body, StandardCharsets.UTF_8))),
    HEADERS(
        (cases, draft) -> {
          switch (cases.random.nextInt(9)) {
            case 0 ->
                draft.headers.put(
                    "Transfer-Encoding", cases.pick(List.of("gzip", "identity", "x-nope")));
            case 1 -> {
              // With no body sent, a wrong length cannot leave bytes the server never reads.
              draft.headers.put(
                  "Content-Length", cases.pick(List.of("-1", "abc", "1" + "0".repeat(20), "0, 5")));
              draft.body = new byte[0];
            }
            case 2 -> draft.headers.put("Expect", cases.pick(List.of("100-continue", "x")));
            case 3 -> draft.headers.put("Content-Encoding", cases.pick(List.of("gzip", "br", "x")));
            case 4 ->
                draft.headers.put(
                    "If-None-Match", cases.pick(List.of("*", "\"x\"", "W/\"", "\u00ff")));
            case 5 ->
                draft.headers.put("X-Long", "A".repeat(cases.pick(List.of(100, 9000, 20000))));
            case 6 ->
                draft.headers.put(
                    "Range", cases.pick(List.of("bytes=0-1", "bytes=x", "bytes=5-1")));
            case 7 -> draft.headers.put("X-Forwarded-Host", "evil.example");
            default ->
                draft.headers.put(cases.pick(List.of("X\u00ff", "Bad Name", "X-\u0001")), "v");
          }
        }),
    PROTOCOL((cases, draft) -> draft.protocol = cases.pick(PROTOCOLS)),
    ARCHIVE(
        (cases, draft) -> {
          draft.body = cases.hostileArchive();
          draft.headers.put("Content-Type", "application/zip");
        });

    private final BiConsumer<FuzzCases, Draft> change;

    Mutation(BiConsumer<FuzzCases, Draft> change) {
      this.change = change;
    }

    void apply(FuzzCases cases, Draft draft) {
      change.accept(cases, draft);
      draft.mutations.add(name().toLowerCase(Locale.ROOT));
    }
  }

  private byte[] hostileBody(String base) {
    String nul = "\u0000";
    List<String> bodies =
        List.of(
            "{",
            "[]",
            "null",
            "\"x\"",
            "42",
            "{\"concurrency\":\"x\"}",
            "{\"concurrency\":99999999999}",
            "{\"concurrency\":1e400}",
            "{\"force\":\"yes\"}",
            "{\"repository\":\"a" + nul + "b\"}",
            "{\"base_url\":\"http://127.0.0.1:99999\"}",
            "{\"base_url\":\"http://127.0.0.1:0\"}",
            "{\"base_url\":\"file:///etc/passwd\"}",
            "{\"base_url\":\"http://h" + nul + "\"}",
            "{\"base_url\":\"http://user:pw@127.0.0.1:9\"}",
            "{\"base_url\":\"http://127.0.0.1:9\",\"x\":1}",
            "{\"hash\":\"sha256:" + "0".repeat(64) + "\",\"layers\":\"x\"}",
            "{\"hash\":1}",
            "[\"sha256:zz\"]",
            "[" + "\"sha256:" + "0".repeat(64) + "\",".repeat(1500) + "\"x\"]",
            "[".repeat(5000),
            "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
            "<a/>",
            "a=b&c=%zz",
            "\u00ef\u00bb\u00bf{}",
            "{\"repository\":\"" + "x".repeat(100_000) + "\"}",
            "{\"a\":1,\"a\":2}",
            base.isEmpty() ? "{}" : base.substring(0, random.nextInt(base.length())),
            base + "garbage",
            base.replace("\"", "'"),
            "{\"repository\":\"\\ud800\"}");
    byte[] body = pick(bodies).getBytes(StandardCharsets.ISO_8859_1);
    if (random.nextInt(8) == 0) {
      body = randomBytes(1 + random.nextInt(512));
    }
    return body;
  }

  /**
   * The good archive with one thing wrong: an entry that escapes the archive, an absolute name, a
   * symbolic link, text the database cannot store, a target whose bytes do not match, one not
   * listed, metadata that is not JSON, a bomb; or bytes that are not a zip at all, cut short or
   * flipped.
   */
  private byte[] hostileArchive() {
    Map<String, byte[]> entries = unzip(archive);
    String targetsName = "repo/metadata/1.targets.json";
    String targets = new String(entries.get(targetsName), StandardCharsets.UTF_8);
    String target =
        entries.keySet().stream()
            .filter(name -> name.startsWith("repo/targets/"))
            .findFirst()
            .orElseThrow();
    switch (random.nextInt(14)) {
      case 0 -> entries.put("../escape.json", bytes("x"));
      case 1 -> entries.put("/etc/absolute", bytes("x"));
      case 2 -> entries.put(targetsName, bytes(targets.replace("\"fuzz\"", "\"fu\\u0000zz\"")));
      case 3 ->
          entries.put(targetsName, bytes(targets.replace("\"1.0.0\"", "\"1.0\\u0001\\u007f\"")));
      case 4 -> entries.put(target, bytes("not the listed bytes"));
      case 5 -> entries.put("repo/targets/unlisted", bytes("a"));
      case 6 -> entries.put(targetsName, bytes("{"));
      case 7 -> entries.put(target, new byte[(int) FuzzStack.MAX_UPLOAD_BYTES + 1]);
      case 8 -> entries.put(target.replace("targets/", "targets/../../"), entries.remove(target));
      case 9 -> {
        return gzip(new byte[1 << 20]);
      }
      case 10 -> {
        return randomBytes(random.nextInt(4096));
      }
      case 11 -> {
        return truncated(archive);
      }
      case 12 -> {
        return flipped(archive);
      }
      default -> {
        return zip(entries, "repo/targets/link");
      }
    }
    return zip(entries, null);
  }

  private static Map<String, byte[]> unzip(byte[] zip) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        entries.put(entry.getName(), in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  /**
   * A zip of the entries, in their order, plus a symbolic link to {@code /etc/passwd} if one is
   * named.
   */
  private static byte[] zip(Map<String, byte[]> entries, String symlink) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeArchiveEntry();
      }
      if (symlink != null) {
        ZipArchiveEntry link = new ZipArchiveEntry(symlink);
        link.setUnixMode(0120777);
        zip.putArchiveEntry(link);
        zip.write(bytes("/etc/passwd"));
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private byte[] truncated(byte[] bytes) {
    return Arrays.copyOf(bytes, random.nextInt(bytes.length));
  }

  private byte[] flipped(byte[] bytes) {
    byte[] copy = bytes.clone();
    for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
      copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
    }
    return copy;
  }

  /**
   * Tokens of every kind a caller may hold, signed with the stack's secret unless said otherwise.
   */
  private Map<String, String> authorizations(String operatorToken) {
    long now = Instant.now().getEpochSecond();
    String access =
        "\"access\":[{\"type\":\"registry\",\"name\":\"import\",\"actions\":[\"*\",\"operator\"]}]";
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("operator", operatorToken);
    tokens.put(
        "import only",
        signed(
            "{\"exp\":"
                + (now + 3600)
                + ",\"access\":[{\"type\":\"registry\","
                + "\"name\":\"import\",\"actions\":[\"*\"]}]}"));
    tokens.put(
        "operator only",
        signed(
            "{\"exp\":"
                + (now + 3600)
                + ",\"access\":[{\"type\":\"registry\","
                + "\"name\":\"import\",\"actions\":[\"operator\"]}]}"));
    tokens.put(
        "other access",
        signed(
            "{\"exp\":"
                + (now + 3600)
                + ",\"access\":[{\"type\":\"repository\","
                + "\"name\":\"demo/debian\",\"actions\":[\"pull\"]}]}"));
    tokens.put("expired", signed("{\"exp\":" + (now - 3600) + "," + access + "}"));
    for (String nbf :
        List.of(
            "100000000000000000000",
            "9223372036854775807",
            "1e40",
            "-9223372036854775808",
            "\"x\"")) {
      tokens.put(
          "nbf " + nbf,
          signed("{\"exp\":" + (now + 3600) + ",\"nbf\":" + nbf + "," + access + "}"));
    }
    tokens.put("exp overflow", signed("{\"exp\":1e40," + access + "}"));
    tokens.put("no exp", signed("{" + access + "}"));
    tokens.put(
        "alg none",
        base64("{\"alg\":\"none\"}")
            + "."
            + base64("{\"exp\":" + (now + 3600) + "," + access + "}")
            + ".");
    tokens.put(
        "wrong key",
        signed(
            "{\"exp\":" + (now + 3600) + "," + access + "}",
            "another-secret-of-32-bytes-or-more!"));
    tokens.put("garbage", "not.a.jwt");
    tokens.put("not json", signed("not json"));
    return tokens;
  }

  private String signed(String payload) {
    return signed(payload, secret);
  }

  private static String signed(String payload, String key) {
    String unsigned = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + base64(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return unsigned
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private String hex(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes));
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** A request being made. */
  private static final class Draft {
    final String route;
    final List<String> mutations = new ArrayList<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    String method;
    String target;
    String protocol = "HTTP/1.1";
    byte[] body = new byte[0];

    Draft(String route, String method, String target) {
      this.route = route;
      this.method = method;
      this.target = target;
    }

    Case build(int index) {
      return new Case(
          index,
          route,
          List.copyOf(mutations),
          method,
          target,
          protocol,
          List.copyOf(new LinkedHashMap<>(headers).entrySet()),
          body);
    }
  }
}

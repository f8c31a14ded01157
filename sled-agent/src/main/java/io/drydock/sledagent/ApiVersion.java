package io.drydock.sledagent;

import com.sun.net.httpserver.HttpExchange;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code api-version} request header, checked as dropshot's {@code
 * ClientSpecifiesVersionInHeader} checks it without an {@code on_missing} version
 * (oxidecomputer/dropshot {@code dropshot/src/versioning.rs} at
 * fb0fd916c4da45d81541355adb5642df9c890b7d), which is how omicron's sled agent and repo depot are
 * built: the header is required, must be a semantic version, and may not be newer than the API the
 * server implements. Every endpoint of ours exists in every version up to that one, as the artifact
 * endpoints do in omicron's documents.
 */
final class ApiVersion {
  static final String HEADER = "api-version";

  /**
   * The sled agent API version whose artifact endpoints this agent answers:
   * openapi/sled-agent/sled-agent-48.0.0.
   */
  static final ApiVersion SLED_AGENT = new ApiVersion(48, 0, 0);

  /** The repo depot API version: openapi/repo-depot/repo-depot-1.0.0. */
  static final ApiVersion REPO_DEPOT = new ApiVersion(1, 0, 0);

  // Semantic versioning 2.0.0: no leading zeros; a pre-release or build suffix is allowed, as the
  // semver crate has it.
  private static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

  private final int major;
  private final int minor;
  private final int patch;

  private ApiVersion(int major, int minor, int patch) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
  }

  /** Refuses the request as dropshot does unless its header names a version up to this one. */
  void require(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst(HEADER);
    if (value == null) {
      throw new ApiException(ErrorCode.API_VERSION, "missing expected header \"" + HEADER + "\"");
    }
    if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new ApiException(
          ErrorCode.API_VERSION,
          "bad value for header \"" + HEADER + "\": not ASCII: " + Sha256.quoted(value));
    }
    Matcher matcher = SEMVER.matcher(value);
    if (!matcher.matches()) {
      throw new ApiException(
          ErrorCode.API_VERSION,
          "bad value for header \""
              + HEADER
              + "\": not a semantic version (MAJOR.MINOR.PATCH): "
              + value);
    }
    // A pre-release of a version sorts before it, so only the three numbers can make the request's
    // version newer.
    int[] requested = {
      Integer.parseInt(matcher.group(1)),
      Integer.parseInt(matcher.group(2)),
      Integer.parseInt(matcher.group(3))
    };
    int[] implemented = {major, minor, patch};
    if (Arrays.compare(requested, implemented) > 0) {
      throw new ApiException(
          ErrorCode.API_VERSION, "server does not support this API version: " + value);
    }
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}

package io.drydock.sledagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a sled agent runs. {@link #parse} reads {@code --name=value} arguments, each falling back to
 * the environment variable {@code SLED_NAME} (upper case, dashes as underscores), then to its
 * default.
 *
 * @param sledId names the sled in its log lines and its ready line
 * @param bind the address to listen on; loopback unless told otherwise
 * @param port the port to listen on; 0 for any free one
 * @param depotPort the port the repo depot alone also listens on, as omicron's does; 0 for any free
 *     one, {@link #NO_DEPOT_PORT} for none (the depot is served on {@code port} either way)
 * @param dataDir holds {@code config.json} and the two disks {@code disk0/} and {@code disk1/}
 * @param maxArtifactBytes the largest artifact accepted, by upload or copy
 * @param bandwidthBytesPerSecond the cap on artifact bytes sent, and separately on those received;
 *     0 for none
 * @param reconcileInterval how often the reconciler runs besides after every config change
 * @param allowedDepotHosts {@code host:port} pairs a copy-from-depot may name; empty for any
 * @param enableFaultInjection whether {@code /faults} exists
 */
public record SledAgentOptions(
    String sledId,
    String bind,
    int port,
    int depotPort,
    Path dataDir,
    long maxArtifactBytes,
    long bandwidthBytesPerSecond,
    Duration reconcileInterval,
    Set<String> allowedDepotHosts,
    boolean enableFaultInjection) {

  /** The port Oxide's repo depot listens on. */
  public static final int DEFAULT_PORT = 12348;

  public static final int NO_DEPOT_PORT = -1;
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 2L * 1024 * 1024 * 1024;
  public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(60);

  private static final Pattern SLED_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
  private static final Pattern HOST_AND_PORT =
      Pattern.compile("([^\\s:/]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");
  private static final Map<String, String> DEFAULTS = defaults();

  public SledAgentOptions {
    if (sledId == null || !SLED_ID.matcher(sledId).matches()) {
      throw new IllegalArgumentException(
          "sled-id is required: 1 to 64 letters, digits, dots, dashes or underscores, got '"
              + sledId
              + "'");
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("data-dir is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    if (depotPort != NO_DEPOT_PORT && (depotPort < 0 || depotPort > 65535)) {
      throw new IllegalArgumentException(
          "depot-port must be between 0 and 65535, or empty for none: " + depotPort);
    }
    if (maxArtifactBytes <= 0) {
      throw new IllegalArgumentException(
          "max-artifact-bytes must be positive: " + maxArtifactBytes);
    }
    if (bandwidthBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bandwidth-bytes-per-second must not be negative: " + bandwidthBytesPerSecond);
    }
    if (reconcileInterval.isZero() || reconcileInterval.isNegative()) {
      throw new IllegalArgumentException(
          "reconcile-interval must be positive: " + reconcileInterval);
    }
    allowedDepotHosts = Set.copyOf(allowedDepotHosts);
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("sled-id", null);
    defaults.put("data-dir", null);
    defaults.put("bind", "127.0.0.1");
    defaults.put("port", String.valueOf(DEFAULT_PORT));
    defaults.put("depot-port", "");
    defaults.put("max-artifact-bytes", String.valueOf(DEFAULT_MAX_ARTIFACT_BYTES));
    defaults.put("bandwidth-bytes-per-second", "0");
    defaults.put("reconcile-interval", DEFAULT_RECONCILE_INTERVAL.toSeconds() + "s");
    defaults.put("allowed-depot-hosts", "");
    defaults.put("enable-fault-injection", "false");
    return defaults;
  }

  /**
   * Reads the options from {@code --name=value} arguments ({@code --enable-fault-injection} alone
   * means true) and the environment; throws {@link IllegalArgumentException} naming what is wrong.
   */
  public static SledAgentOptions parse(List<String> args, Map<String, String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : DEFAULTS.keySet()) {
      String fromEnvironment = environment.get(environmentVariable(name));
      values.put(name, fromEnvironment != null ? fromEnvironment : DEFAULTS.get(name));
    }
    for (String arg : args) {
      int equals = arg.indexOf('=');
      String name =
          arg.startsWith("--") ? arg.substring(2, equals < 0 ? arg.length() : equals) : "";
      if (!DEFAULTS.containsKey(name)) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
      if (equals < 0 && !name.equals("enable-fault-injection")) {
        throw new IllegalArgumentException("--" + name + " needs a value: --" + name + "=...");
      }
      values.put(name, equals < 0 ? "true" : arg.substring(equals + 1));
    }
    return new SledAgentOptions(
        values.get("sled-id"),
        values.get("bind"),
        (int) number(values, "port"),
        depotPort(values),
        values.get("data-dir") == null || values.get("data-dir").isBlank()
            ? null
            : Path.of(values.get("data-dir")),
        number(values, "max-artifact-bytes"),
        number(values, "bandwidth-bytes-per-second"),
        duration(values.get("reconcile-interval")),
        hosts(values.get("allowed-depot-hosts")),
        bool(values, "enable-fault-injection"));
  }

  static String environmentVariable(String option) {
    return option.equals("sled-id")
        ? "SLED_ID"
        : "SLED_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** One line per option: the argument, its environment variable and its default. */
  public static String usage() {
    StringBuilder usage =
        new StringBuilder("usage: java -jar drydock-sled-agent.jar --sled-id=ID --data-dir=DIR");
    usage.append(" [--option=value ...]\noptions (argument, environment variable, default):\n");
    DEFAULTS.forEach(
        (name, value) ->
            usage.append(
                String.format(
                    "  --%-28s %-34s %s%n",
                    name, environmentVariable(name), value == null ? "(required)" : value)));
    return usage.toString();
  }

  private static long number(Map<String, String> values, String name) {
    try {
      return Long.parseLong(values.get(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a whole number, got '" + values.get(name) + "'");
    }
  }

  /** Empty for none; otherwise a port as {@code --port} takes it. */
  private static int depotPort(Map<String, String> values) {
    if (values.get("depot-port").isBlank()) {
      return NO_DEPOT_PORT;
    }
    long port = number(values, "depot-port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "depot-port must be between 0 and 65535, or empty for none: " + port);
    }
    return (int) port;
  }

  private static boolean bool(Map<String, String> values, String name) {
    String value = values.get(name).trim().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          name + " must be true or false, got '" + values.get(name) + "'");
    }
    return value.equals("true");
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
  private static Duration duration(String value) {
    Matcher matcher = DURATION.matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "reconcile-interval must look like 500ms, 30s, 5m or 1h, got '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofSeconds(amount);
    };
  }

  private static Set<String> hosts(String value) {
    Set<String> hosts = new TreeSet<>();
    for (String entry : value.split(",")) {
      String host = entry.trim().toLowerCase(Locale.ROOT);
      if (host.isEmpty()) {
        continue;
      }
      Matcher matcher = HOST_AND_PORT.matcher(host);
      if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535) {
        throw new IllegalArgumentException(
            "allowed-depot-hosts takes host:port entries, got '" + entry + "'");
      }
      hosts.add(host);
    }
    return hosts;
  }
}

package io.drydock.activities.replication;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the sleds of {@code drydock.replication.sleds} ({@code DRYDOCK_SLEDS}: {@code
 * id=BASE_URL[|DEPOT_URL],...}, e.g. {@code sled-1=http://10.0.0.1:12345|http://10.0.0.1:12348};
 * without a depot URL the depot is at the base URL) when the process starts: after the schema
 * migrations, which run while the context is built, and before the worker polls or the web server
 * accepts requests, which start in later lifecycle phases. A listed sled that an operator has
 * expunged stays expunged.
 */
final class ConfiguredSleds implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ConfiguredSleds.class);

  private final SledRegistry registry;
  private final Map<String, Urls> sleds;
  private volatile boolean running;

  /** Fails start-up with a message naming the variable when the list is malformed. */
  ConfiguredSleds(SledRegistry registry, String configured) {
    this.registry = registry;
    this.sleds = parse(configured);
  }

  /** A configured sled's URLs; {@code depotUrl} null when the depot answers at the base URL. */
  record Urls(String baseUrl, String depotUrl) {}

  static Map<String, Urls> parse(String configured) {
    Map<String, Urls> sleds = new LinkedHashMap<>();
    if (configured == null || configured.isBlank()) {
      return sleds;
    }
    for (String entry : configured.split(",")) {
      String trimmed = entry.strip();
      int equals = trimmed.indexOf('=');
      String id = equals < 0 ? trimmed : trimmed.substring(0, equals).strip();
      String urls = equals < 0 ? "" : trimmed.substring(equals + 1).strip();
      // '|' cannot occur in a valid URL, so it separates the two unambiguously.
      int bar = urls.indexOf('|');
      String baseUrl = bar < 0 ? urls : urls.substring(0, bar).strip();
      String depotUrl = bar < 0 ? null : urls.substring(bar + 1).strip();
      String problem =
          SledRegistry.idProblem(id)
              .or(() -> SledRegistry.baseUrlProblem(baseUrl))
              .or(
                  () ->
                      depotUrl == null ? Optional.empty() : SledRegistry.depotUrlProblem(depotUrl))
              .orElse(null);
      if (problem != null || sleds.containsKey(id)) {
        throw new IllegalStateException(
            "DRYDOCK_SLEDS (drydock.replication.sleds) must be a comma-separated list of id=http://host:port, or"
                + " id=http://host:port|http://host:depot-port, with distinct ids; entry '"
                + trimmed
                + "': "
                + (problem != null ? problem : "id listed twice"));
      }
      sleds.put(id, new Urls(baseUrl, depotUrl));
    }
    return sleds;
  }

  @Override
  public void start() {
    sleds.forEach(
        (id, urls) -> {
          if (registry.register(id, urls.baseUrl(), urls.depotUrl())
              == SledRegistry.Registration.EXPUNGED) {
            log.warn(
                "sled {} is configured in DRYDOCK_SLEDS but was expunged; it stays out of service",
                id);
          }
        });
    running = true;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the worker and the web server, which start in the default (last) phase. */
  @Override
  public int getPhase() {
    return 0;
  }
}

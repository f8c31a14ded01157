package io.drydock.activities.replication;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the sleds of {@code drydock.replication.sleds} ({@code DRYDOCK_SLEDS}: {@code id=http://host:port,...})
 * when the process starts: after the schema migrations, which run while the context is built, and before the worker
 * polls or the web server accepts requests, which start in later lifecycle phases. A listed sled that an operator has
 * expunged stays expunged.
 */
final class ConfiguredSleds implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ConfiguredSleds.class);

  private final SledRegistry registry;
  private final Map<String, String> sleds;
  private volatile boolean running;

  /** Fails start-up with a message naming the variable when the list is malformed. */
  ConfiguredSleds(SledRegistry registry, String configured) {
    this.registry = registry;
    this.sleds = parse(configured);
  }

  static Map<String, String> parse(String configured) {
    Map<String, String> sleds = new LinkedHashMap<>();
    if (configured == null || configured.isBlank()) {
      return sleds;
    }
    for (String entry : configured.split(",")) {
      String trimmed = entry.strip();
      int equals = trimmed.indexOf('=');
      String id = equals < 0 ? trimmed : trimmed.substring(0, equals).strip();
      String url = equals < 0 ? "" : trimmed.substring(equals + 1).strip();
      String problem =
          SledRegistry.idProblem(id).or(() -> SledRegistry.baseUrlProblem(url)).orElse(null);
      if (problem != null || sleds.containsKey(id)) {
        throw new IllegalStateException(
            "DRYDOCK_SLEDS (drydock.replication.sleds) must be a comma-separated list of id=http://host:port with"
                + " distinct ids; entry '" + trimmed + "': " + (problem != null ? problem : "id listed twice"));
      }
      sleds.put(id, url);
    }
    return sleds;
  }

  @Override
  public void start() {
    sleds.forEach(
        (id, url) -> {
          if (registry.register(id, url) == SledRegistry.Registration.EXPUNGED) {
            log.warn("sled {} is configured in DRYDOCK_SLEDS but was expunged; it stays out of service", id);
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

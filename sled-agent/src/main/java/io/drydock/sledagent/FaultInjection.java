package io.drydock.sledagent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * {@code POST /faults} and {@code DELETE /faults}, the chaos tests' switch, and the faults they
 * set: not omicron's, and absent (404) unless the agent started with {@code
 * --enable-fault-injection}.
 */
final class FaultInjection {
  private static final Logger log = Logger.getLogger(FaultInjection.class.getName());
  private static final ObjectReader FAULTS_READER =
      Json.MAPPER
          .readerFor(FaultSettings.class)
          .without(
              DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final String sledId;
  private final boolean enabled;
  private volatile FaultSettings faults = FaultSettings.NONE;

  FaultInjection(String sledId, boolean enabled) {
    this.sledId = sledId;
    this.enabled = enabled;
  }

  void handle(HttpExchange exchange) throws IOException {
    if (!enabled) {
      throw new ApiException(
          ErrorCode.NOT_FOUND,
          "fault injection is off: start the agent with --enable-fault-injection");
    }
    if (Exchanges.requireMethod(exchange, "POST", "DELETE").equals("POST")) {
      faults = Exchanges.readJson(exchange, FAULTS_READER);
    } else {
      faults = FaultSettings.NONE;
    }
    log.warning(() -> sledId + " injected faults are now " + faults);
    Exchanges.sendEmpty(exchange, 204);
  }

  /** Before answering a request: the injected delay, then the injected failure if it falls. */
  void beforeAnswering() {
    FaultSettings current = faults;
    if (current.delayMs() > 0) {
      try {
        Thread.sleep(current.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (current.failPercent() > 0
        && ThreadLocalRandom.current().nextInt(100) < current.failPercent()) {
      throw new ApiException(ErrorCode.INJECTED_FAULT, "injected failure");
    }
  }

  boolean corruptServedBytes() {
    return faults.corruptServedBytes();
  }
}

package io.drydock.activities.replication;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;

/**
 * A registered sled: where its agent answers, where its repo depot answers (the base URL unless
 * registered apart), and whether it is in service.
 */
public record Sled(
    String id, String baseUrl, String depotUrl, State state, Instant createdAt, Instant updatedAt) {
  public enum State {
    IN_SERVICE("in_service"),
    EXPUNGED("expunged");

    private final String wireValue;

    State(String wireValue) {
      this.wireValue = wireValue;
    }

    @JsonValue
    public String wireValue() {
      return wireValue;
    }

    static State fromWireValue(String value) {
      return value.equals(EXPUNGED.wireValue) ? EXPUNGED : IN_SERVICE;
    }
  }
}

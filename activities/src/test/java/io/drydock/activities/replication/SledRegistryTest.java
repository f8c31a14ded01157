package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration, expunging and URL resolution of sleds, and the start-up list of configured sleds.
 */
class SledRegistryTest {
  @RegisterExtension final ReplicationDatabase database = new ReplicationDatabase();
  private SledRegistry registry;

  @BeforeEach
  void registry() {
    registry = database.registry;
  }

  @Test
  void aSledIsRegisteredUpdatedAndResolvedToItsNormalizedUrl() {
    assertThat(registry.register("sled-1", "HTTP://10.0.0.1:12348/", null))
        .isEqualTo(SledRegistry.Registration.CREATED);
    assertThat(registry.inServiceBaseUrl("sled-1")).contains("http://10.0.0.1:12348");

    assertThat(registry.register("sled-1", "https://sled-1.rack:8443/depot//", null))
        .isEqualTo(SledRegistry.Registration.UPDATED);
    assertThat(registry.inServiceBaseUrl("sled-1")).contains("https://sled-1.rack:8443/depot");
    assertThat(registry.list()).extracting(Sled::id).containsExactly("sled-1");
  }

  @Test
  void aDepotUrlIsKeptBesideTheBaseUrlAndDefaultsToIt() {
    registry.register("sled-1", "http://10.0.0.1:12345", null);
    assertThat(registry.inServiceDepotUrl("sled-1")).contains("http://10.0.0.1:12345");
    assertThat(registry.find("sled-1").orElseThrow().depotUrl()).isEqualTo("http://10.0.0.1:12345");

    assertThat(registry.register("sled-1", "http://10.0.0.1:12345", "HTTP://10.0.0.1:12348/"))
        .isEqualTo(SledRegistry.Registration.UPDATED);
    assertThat(registry.inServiceDepotUrl("sled-1")).contains("http://10.0.0.1:12348");
    assertThat(registry.inServiceBaseUrl("sled-1")).contains("http://10.0.0.1:12345");

    // A registration without one goes back to the base URL, whatever it is now.
    registry.register("sled-1", "http://10.0.0.7:12345", null);
    assertThat(registry.inServiceDepotUrl("sled-1")).contains("http://10.0.0.7:12345");

    registry.expunge("sled-1");
    assertThat(registry.inServiceDepotUrl("sled-1")).isEmpty();
  }

  @Test
  void aDepotUrlFollowsTheRulesOfABaseUrl() {
    assertThat(SledRegistry.depotUrlProblem("ftp://10.0.0.1"))
        .hasValueSatisfying(p -> assertThat(p).startsWith("depot_url"));
    assertThat(SledRegistry.depotUrlProblem("http://admin:secret@10.0.0.1")).isPresent();
    assertThat(SledRegistry.depotUrlProblem("http://10.0.0.1:0"))
        .hasValueSatisfying(p -> assertThat(p).contains("port"));
    assertThat(SledRegistry.depotUrlProblem("http://10.0.0.1/\u0000")).isPresent();
    assertThat(SledRegistry.depotUrlProblem("http://10.0.0.1:12348")).isEmpty();
    assertThatThrownBy(
            () -> registry.register("sled-1", "http://10.0.0.1:12345", "file:///etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.list()).isEmpty();
  }

  @Test
  void anExpungedSledIsNeverResolvedAndCannotComeBack() {
    registry.register("sled-1", "http://10.0.0.1:12348", null);
    registry.register("sled-2", "http://10.0.0.2:12348", null);

    assertThat(registry.expunge("sled-1").orElseThrow().state()).isEqualTo(Sled.State.EXPUNGED);

    assertThat(registry.inServiceBaseUrl("sled-1")).isEmpty();
    assertThat(registry.inService()).extracting(Sled::id).containsExactly("sled-2");
    assertThat(registry.register("sled-1", "http://10.0.0.9:12348", null))
        .isEqualTo(SledRegistry.Registration.EXPUNGED);
    assertThat(registry.find("sled-1").orElseThrow().baseUrl()).isEqualTo("http://10.0.0.1:12348");
    assertThat(registry.expunge("sled-1").orElseThrow().state()).isEqualTo(Sled.State.EXPUNGED);
    assertThat(registry.expunge("no-such-sled")).isEmpty();
    assertThat(registry.inServiceBaseUrl("no-such-sled")).isEmpty();
  }

  @Test
  void badIdsAndUrlsAreNamed() {
    assertThat(SledRegistry.idProblem("Sled_1")).isPresent();
    assertThat(SledRegistry.idProblem("-sled")).isPresent();
    assertThat(SledRegistry.idProblem("a".repeat(64))).isPresent();
    assertThat(SledRegistry.idProblem("a".repeat(63))).isEmpty();
    assertThat(SledRegistry.baseUrlProblem("ftp://10.0.0.1"))
        .hasValueSatisfying(p -> assertThat(p).contains("http"));
    assertThat(SledRegistry.baseUrlProblem("http://admin:secret@10.0.0.1"))
        .hasValueSatisfying(p -> assertThat(p).contains("user info"));
    assertThat(SledRegistry.baseUrlProblem("http://10.0.0.1/?redirect=x"))
        .hasValueSatisfying(p -> assertThat(p).contains("query"));
    assertThat(SledRegistry.baseUrlProblem("http://10.0.0.1/#x")).isPresent();
    assertThat(SledRegistry.baseUrlProblem("http:///path"))
        .hasValueSatisfying(p -> assertThat(p).contains("host"));
    assertThat(SledRegistry.baseUrlProblem("10.0.0.1:12348")).isPresent();
    assertThat(SledRegistry.baseUrlProblem("http://[::1]:12348")).isEmpty();
    assertThat(SledRegistry.baseUrlProblem("http://[::1]")).isEmpty();
    assertThat(SledRegistry.baseUrlProblem("https://sled-1.rack:1/agent")).isEmpty();
    assertThat(SledRegistry.baseUrlProblem("http://10.0.0.1:65535")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:99999",
        "http://127.0.0.1:65536",
        "http://127.0.0.1:0",
        "http://127.0.0.1:",
        "http://127.0.0.1:/agent",
        "http://127.0.0.1:http",
        "http://127.0.0.1:-1",
        "http://127.0.0.1:123456789012",
        "http://[::1]:99999",
        "http://[::1]:"
      })
  void aPortOutsideOneTo65535OrNotANumberIsRefused(String url) {
    assertThat(SledRegistry.baseUrlProblem(url))
        .hasValueSatisfying(
            problem -> assertThat(problem).contains("port must be a number from 1 to 65535"));
    assertThatThrownBy(() -> registry.register("sled-1", url, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1=" + url))
        .hasMessageContaining("DRYDOCK_SLEDS")
        .hasMessageContaining("port must be a number");
    assertThat(registry.list()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://10.0.0.1/\u0000",
        "http://10.0.0.1/a\u0085",
        "http://10.0.0.1\ud800:1",
        "\u0001"
      })
  void aUrlHoldingAControlCharacterOrAnUnpairedSurrogateIsRefusedNamingIt(String url) {
    assertThat(SledRegistry.baseUrlProblem(url))
        .hasValueSatisfying(
            problem -> assertThat(problem).startsWith("base_url holds").contains("\\u"));
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1=" + url))
        .hasMessageContaining("base_url holds");
  }

  @Test
  void aUrlThatIsNotASledsIsNotRegistered() {
    assertThatThrownBy(() -> registry.register("sled-1", "file:///etc/passwd", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.list()).isEmpty();
  }

  @Test
  void configuredSledsAreRegisteredAtStartButAnExpungedOneStaysOut() {
    registry.register("sled-3", "http://10.0.0.3:12348", null);
    registry.expunge("sled-3");
    ConfiguredSleds configured =
        new ConfiguredSleds(
            registry,
            " sled-1=http://10.0.0.1:12348, sled-2=http://10.0.0.2:12348,sled-3=http://x:1");

    configured.start();

    assertThat(registry.inService())
        .extracting(Sled::id, Sled::baseUrl)
        .containsExactly(
            tuple("sled-1", "http://10.0.0.1:12348"), tuple("sled-2", "http://10.0.0.2:12348"));
    assertThat(registry.find("sled-3").orElseThrow().state()).isEqualTo(Sled.State.EXPUNGED);
  }

  @Test
  void aMalformedSledListFailsStartUpNamingTheVariable() {
    assertThat(ConfiguredSleds.parse("")).isEmpty();
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1"))
        .hasMessageContaining("DRYDOCK_SLEDS")
        .hasMessageContaining("base_url is required");
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1=http://a:1,sled-1=http://b:1"))
        .hasMessageContaining("id listed twice");
    assertThatThrownBy(() -> ConfiguredSleds.parse("Sled=http://a:1"))
        .hasMessageContaining("sled id");
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1=http://a:1|ftp://a:2"))
        .hasMessageContaining("depot_url");
    assertThatThrownBy(() -> ConfiguredSleds.parse("sled-1=http://a:1|"))
        .hasMessageContaining("depot_url is required");
  }

  @Test
  void aConfiguredSledMayNameItsDepot() {
    assertThat(ConfiguredSleds.parse("sled-1=http://a:12345|http://a:12348, sled-2=http://b:12345"))
        .containsExactly(
            Map.entry("sled-1", new ConfiguredSleds.Urls("http://a:12345", "http://a:12348")),
            Map.entry("sled-2", new ConfiguredSleds.Urls("http://b:12345", null)));
  }
}

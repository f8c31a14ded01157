package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SledAgentOptionsTest {
  @Test
  void defaultsApplyWhenOnlyTheRequiredOptionsAreGiven() {
    SledAgentOptions options =
        SledAgentOptions.parse(List.of("--sled-id=s1", "--data-dir=/tmp/s1"), Map.of());

    assertThat(options.sledId()).isEqualTo("s1");
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/s1"));
    assertThat(options.bind()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(12348);
    assertThat(options.depotPort()).isEqualTo(SledAgentOptions.NO_DEPOT_PORT);
    assertThat(options.maxArtifactBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(options.bandwidthBytesPerSecond()).isZero();
    assertThat(options.reconcileInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.allowedDepotHosts()).isEmpty();
    assertThat(options.enableFaultInjection()).isFalse();
  }

  @Test
  void theEnvironmentFillsInAndArgumentsWin() {
    SledAgentOptions options =
        SledAgentOptions.parse(
            List.of("--port=0", "--enable-fault-injection", "--reconcile-interval=500ms"),
            Map.of(
                "SLED_ID", "env-sled",
                "SLED_PORT", "9999",
                "SLED_DEPOT_PORT", "12348",
                "SLED_DATA_DIR", "/data",
                "SLED_ALLOWED_DEPOT_HOSTS", "10.0.0.1:12348, Sled-2:80",
                "SLED_BANDWIDTH_BYTES_PER_SECOND", "1000"));

    assertThat(options.sledId()).isEqualTo("env-sled");
    assertThat(options.port()).isZero();
    assertThat(options.depotPort()).isEqualTo(12348);
    assertThat(options.dataDir()).isEqualTo(Path.of("/data"));
    assertThat(options.allowedDepotHosts()).isEqualTo(Set.of("10.0.0.1:12348", "sled-2:80"));
    assertThat(options.bandwidthBytesPerSecond()).isEqualTo(1000);
    assertThat(options.reconcileInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.enableFaultInjection()).isTrue();
  }

  @Test
  void badOptionsAreRefusedByName() {
    Map<String, String> required = Map.of("SLED_ID", "s", "SLED_DATA_DIR", "/d");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--data-dir=/d"), Map.of()))
        .hasMessageContaining("sled-id");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--sled-id=s"), Map.of()))
        .hasMessageContaining("data-dir");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--nope=1"), required))
        .hasMessageContaining("--nope");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--port=x"), required))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--port=70000"), required))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--depot-port=70000"), required))
        .hasMessageContaining("depot-port");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--depot-port=-1"), required))
        .hasMessageContaining("depot-port");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--reconcile-interval=0s"), required))
        .hasMessageContaining("reconcile-interval");
    assertThatThrownBy(
            () -> SledAgentOptions.parse(List.of("--allowed-depot-hosts=host"), required))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> SledAgentOptions.parse(List.of("--sled-id=a b"), required))
        .hasMessageContaining("sled-id");
  }
}

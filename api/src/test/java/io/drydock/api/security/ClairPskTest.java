package io.drydock.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The PSK's configuration, as Clair reads {@code auth.psk} (quay/clair {@code config/auth.go}:
 * base64, issuers).
 */
class ClairPskTest {
  private static final String KEY = Base64.getEncoder().encodeToString("k".repeat(32).getBytes());

  @Test
  void withoutAKeyThereIsNoPsk() {
    assertThat(ClairPsk.from(new ClairPskProperties(null, List.of("x")), Clock.systemUTC()))
        .isEmpty();
    assertThat(ClairPsk.from(new ClairPskProperties(" ", null), Clock.systemUTC())).isEmpty();
  }

  @Test
  void theVariablesBindAsTheyAreDocumented() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                "test",
                Map.of(
                    "DRYDOCK_CLAIR_PSK", KEY, "DRYDOCK_CLAIR_PSK_ISSUERS", "quay, clair-matcher")));
    ClairPskProperties bound =
        new Binder(ConfigurationPropertySources.get(environment))
            .bind("drydock.clair", ClairPskProperties.class)
            .get();

    assertThat(bound.psk()).isEqualTo(KEY);
    assertThat(
            ClairPsk.from(bound, Clock.systemUTC())
                .orElseThrow()
                .issued(unsignedWithIssuer("clair-matcher")))
        .isTrue();
  }

  @Test
  void clairsOwnIssuerIsAlwaysOneOfThem() {
    ClairPsk psk =
        ClairPsk.from(new ClairPskProperties(KEY, List.of()), Clock.systemUTC()).orElseThrow();

    assertThat(psk.issued(unsignedWithIssuer("clair-intraservice"))).isTrue();
    assertThat(psk.issued(unsignedWithIssuer("gitlab-issuer"))).isFalse();
    assertThat(psk.issued(unsignedWithIssuer(null))).isFalse();
    assertThat(psk.issued("not a token")).isFalse();
  }

  @Test
  void aKeyThatIsNotPaddedBase64OrTooShortFailsStartUpNamingTheVariable() {
    for (String key : List.of("not base64!", KEY.substring(0, KEY.length() - 1), "c2hvcnQ=")) {
      assertThatThrownBy(() -> ClairPsk.from(new ClairPskProperties(key, null), Clock.systemUTC()))
          .as(key)
          .hasMessageContaining("DRYDOCK_CLAIR_PSK");
    }
  }

  private static String unsignedWithIssuer(String issuer) {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    return url.encodeToString("{\"alg\":\"none\"}".getBytes())
        + "."
        + url.encodeToString((issuer == null ? "{}" : "{\"iss\":\"" + issuer + "\"}").getBytes())
        + ".";
  }
}

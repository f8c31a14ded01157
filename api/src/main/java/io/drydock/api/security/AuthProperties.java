package io.drydock.api.security;

import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the API checks bearer tokens: {@code drydock.auth.*}, bound from {@code
 * DRYDOCK_AUTH_JWT_SECRET}, {@code DRYDOCK_AUTH_JWT_PUBLIC_KEY}, {@code DRYDOCK_AUTH_JWT_ISSUER}
 * and {@code DRYDOCK_AUTH_JWT_AUDIENCE}. A blank value counts as unset, so an empty variable in a
 * compose file does not switch a check on.
 */
@ConfigurationProperties("drydock.auth")
record AuthProperties(String jwtSecret, String jwtPublicKey, String jwtIssuer, String jwtAudience) {
  Optional<String> secret() {
    return configured(jwtSecret);
  }

  Optional<String> publicKey() {
    return configured(jwtPublicKey);
  }

  Optional<String> issuer() {
    return configured(jwtIssuer);
  }

  Optional<String> audience() {
    return configured(jwtAudience);
  }

  private static Optional<String> configured(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }
}

package io.drydock.quickstart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registry tokens for a laptop, shaped as GitLab issues them (iss, aud, iat, nbf, exp, jti and the
 * access claim), signed HS256 with the secret the API checks.
 */
public final class DevTokens {
  static final Duration VALIDITY = Duration.ofDays(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  private DevTokens() {}

  /** 32 random bytes, hex-encoded: the API uses the secret's characters as the HMAC key. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Import and operator access for {@link #VALIDITY} from {@code now}. */
  public static String operatorToken(String secret, String issuer, String audience, Instant now) {
    return sign(
        secret,
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("drydock-quickstart")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(VALIDITY)))
            .jwtID(UUID.randomUUID().toString())
            .claim(
                "access",
                List.of(
                    Map.of(
                        "type", "registry", "name", "import", "actions", List.of("*", "operator"))))
            .build());
  }

  public static String sign(String secret, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token with this secret: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}

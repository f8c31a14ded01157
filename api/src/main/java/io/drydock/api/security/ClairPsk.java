package io.drydock.api.security;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Clair's pre-shared key, as Clair's services sign their requests to each other (quay/clair {@code
 * internal/httputil/signer.go}, checked by {@code middleware/auth/httpauth_psk.go}, at
 * eb22407da3d3ee32534ed956be3696080754288d): the key is the base64 of {@code auth.psk.key} (Go's
 * standard encoding, padded, line breaks ignored, as {@code config.Base64} decodes it), and the
 * issuers are {@code clair-intraservice}, which Clair's own services sign with, and those
 * configured.
 */
final class ClairPsk {
  static final String INTRASERVICE_ISSUER = "clair-intraservice";

  /**
   * HS256's key must be as long as its hash (RFC 7518, section 3.2); Nimbus refuses a shorter one.
   */
  private static final int MIN_KEY_BYTES = 32;

  private static final Pattern PADDED_BASE64 =
      Pattern.compile("([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

  private final List<String> issuers;
  private final JwtDecoder decoder;

  private ClairPsk(byte[] key, List<String> issuers, Clock clock) {
    this.issuers = issuers;
    this.decoder = TokenDecoders.clairPsk(key, issuers, clock);
  }

  /**
   * Nothing when {@code DRYDOCK_CLAIR_PSK} is unset; a configuration that cannot work fails
   * start-up, naming it.
   */
  static Optional<ClairPsk> from(ClairPskProperties properties, Clock clock) {
    if (properties.psk() == null || properties.psk().isBlank()) {
      return Optional.empty();
    }
    String encoded = properties.psk().replaceAll("[\r\n]", "").strip();
    if (!PADDED_BASE64.matcher(encoded).matches()) {
      throw new IllegalStateException(
          "DRYDOCK_CLAIR_PSK is not standard padded base64, as Clair's auth.psk.key is (openssl rand -base64 32 makes"
              + " one)");
    }
    byte[] key = Base64.getDecoder().decode(encoded);
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalStateException(
          "DRYDOCK_CLAIR_PSK decodes to "
              + key.length
              + " bytes; HS256 needs at least "
              + MIN_KEY_BYTES
              + " (openssl rand -base64 32 makes one)");
    }
    List<String> issuers = new ArrayList<>(List.of(INTRASERVICE_ISSUER));
    if (properties.pskIssuers() != null) {
      properties.pskIssuers().stream()
          .map(String::strip)
          .filter(issuer -> !issuer.isEmpty())
          .forEach(issuers::add);
    }
    return Optional.of(new ClairPsk(key, List.copyOf(issuers), clock));
  }

  /**
   * Whether the token, read without verifying it, names one of the PSK's issuers: it is then
   * checked as a PSK token and only as one, so a registry token never meets the PSK nor a PSK token
   * the registry's keys.
   */
  boolean issued(String token) {
    try {
      String issuer = JWTParser.parse(token).getJWTClaimsSet().getIssuer();
      // An immutable list's contains(null) throws.
      return issuer != null && issuers.contains(issuer);
    } catch (ParseException e) {
      return false;
    }
  }

  JwtDecoder decoder() {
    return decoder;
  }
}

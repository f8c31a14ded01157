package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.drydock.quickstart.DrydockStack;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clair's intra-service tokens on {@code /indexer/} as Clair's PSK check takes them (quay/clair
 * {@code middleware/auth/httpauth_psk.go} at eb22407da3d3ee32534ed956be3696080754288d: HS256 with
 * the key, {@code iss} one of {@code clair-intraservice} and the configured ones, {@code
 * exp}/{@code nbf} with leeway), with the skew of Drydock's other tokens (60 s). Where else they
 * are refused is AuthorizationTableEndToEndTest's {@code CLAIR_PSK} column.
 */
class ClairPskAuthenticationEndToEndTest {
  private static final byte[] OTHER_KEY =
      "a-key-that-is-not-the-clair-psk-at-all".getBytes(StandardCharsets.US_ASCII);

  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
  }

  static Stream<Arguments> tokens() {
    Instant now = Instant.now();
    JWTClaimsSet clairs = ClairTokens.claims(ClairTokens.INTRASERVICE, now).build();
    return Stream.of(
        Arguments.of("as Clair's signer makes it", hs256(clairs), true),
        Arguments.of(
            "the configured issuer",
            hs256(ClairTokens.claims(DrydockStack.CLAIR_PSK_ISSUER, now).build()),
            true),
        Arguments.of(
            "expired 30 s ago, within the skew", hs256(expiringAt(now.minusSeconds(30))), true),
        Arguments.of(
            "valid from 30 s ahead, within the skew",
            hs256(
                ClairTokens.claims(ClairTokens.INTRASERVICE, now)
                    .notBeforeTime(Date.from(now.plusSeconds(30)))
                    .build()),
            true),
        Arguments.of("another key", ClairTokens.sign(OTHER_KEY, JWSAlgorithm.HS256, clairs), false),
        Arguments.of(
            "the registry tokens' secret",
            ClairTokens.sign(
                DrydockStack.TOKEN_SECRET.getBytes(StandardCharsets.UTF_8),
                JWSAlgorithm.HS256,
                clairs),
            false),
        Arguments.of(
            "an issuer not configured",
            hs256(ClairTokens.claims("someone-else", now).build()),
            false),
        Arguments.of("no issuer", hs256(ClairTokens.claims(null, now).build()), false),
        Arguments.of("expired 90 s ago", hs256(expiringAt(now.minusSeconds(90))), false),
        Arguments.of(
            "valid from 90 s ahead",
            hs256(
                ClairTokens.claims(ClairTokens.INTRASERVICE, now)
                    .notBeforeTime(Date.from(now.plusSeconds(90)))
                    .build()),
            false),
        Arguments.of(
            "no exp", hs256(new JWTClaimsSet.Builder(clairs).expirationTime(null).build()), false),
        Arguments.of("alg none", new PlainJWT(clairs).serialize(), false),
        Arguments.of(
            "alg RS256 over an HMAC with the key",
            ClairTokens.sign(DrydockStack.CLAIR_PSK, JWSAlgorithm.RS256, clairs),
            false),
        Arguments.of(
            "alg HS512 over an HMAC with the key",
            ClairTokens.sign(DrydockStack.CLAIR_PSK, JWSAlgorithm.HS512, clairs),
            false));
  }

  @ParameterizedTest(name = "{0}: accepted {2}")
  @MethodSource("tokens")
  void aPskTokenOpensTheIndexerApiOnlyWhenClairWouldTakeIt(
      String what, String token, boolean accepted) {
    HttpResponse<String> response =
        stack.request("GET", "/indexer/api/v1/index_state", Optional.of("Bearer " + token));

    if (accepted) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return;
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge ->
                assertThat(challenge)
                    .startsWith("Bearer realm=\"drydock\", error=\"invalid_token\""));
    assertThat(DrydockStack.json(response).path("code").asText()).isEqualTo("unauthorized");
  }

  private static JWTClaimsSet expiringAt(Instant exp) {
    return ClairTokens.claims(ClairTokens.INTRASERVICE, exp.minus(Duration.ofMinutes(2)))
        .expirationTime(Date.from(exp))
        .build();
  }

  private static String hs256(JWTClaimsSet claims) {
    return ClairTokens.sign(DrydockStack.CLAIR_PSK, JWSAlgorithm.HS256, claims);
  }
}

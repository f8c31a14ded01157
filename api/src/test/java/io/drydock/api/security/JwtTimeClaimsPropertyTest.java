package io.drydock.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The time claims exp, nbf and iat over every kind of JSON value a token can hold, against a model
 * of the rule in docs/authentication.md: each one present is a number of seconds from 0 to the end
 * of year 9999 (fractions dropped), exp is required and not more than 60 s past, nbf not more than
 * 60 s ahead, and iat before exp. A refusal must be a {@link BadJwtException}, which the resource
 * server answers 401 {@code invalid_token}; any other exception would be a 500.
 */
class JwtTimeClaimsPropertyTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes";
  private static final long SEED = 0x5eed_d0c7L;
  private static final int SAMPLES = 20_000;
  private static final long SKEW = 60;
  private static final long NOW = 1_750_000_000L;
  private static final long LATEST = 253_402_300_799L;
  private static final long TWO_TO_THE_53 = 1L << 53;
  private static final List<String> TIME_CLAIMS = List.of("exp", "nbf", "iat");
  private static final JwtDecoder DECODER =
      TokenDecoders.create(
          new AuthProperties(SECRET, null, null, null),
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private static final List<Long> EDGE_SECONDS =
      List.of(
          Long.MIN_VALUE,
          Long.MIN_VALUE + 1,
          -TWO_TO_THE_53 - 1,
          -TWO_TO_THE_53,
          -TWO_TO_THE_53 + 1,
          -NOW,
          -1L,
          0L,
          1L,
          (long) Integer.MAX_VALUE,
          1L << 32,
          1_000_000_000_000L,
          LATEST - 1,
          LATEST,
          LATEST + 1,
          Long.MAX_VALUE / 1000,
          Long.MAX_VALUE / 1000 + 1,
          TWO_TO_THE_53 - 1,
          TWO_TO_THE_53,
          TWO_TO_THE_53 + 1,
          1_000_000_000_000_000_000L,
          Long.MAX_VALUE - 1,
          Long.MAX_VALUE,
          NOW - SKEW - 1,
          NOW - SKEW,
          NOW - SKEW + 1,
          NOW - 1,
          NOW,
          NOW + 1,
          NOW + SKEW - 1,
          NOW + SKEW,
          NOW + SKEW + 1);

  private static final List<Double> EDGE_FRACTIONS =
      List.of(
          1.5,
          -1.5,
          -0.0,
          0.0,
          Double.MIN_VALUE,
          -Double.MIN_VALUE,
          1e20,
          -1e20,
          1e40,
          1e308,
          -1e308,
          9.223372036854776e18,
          LATEST - 0.5,
          LATEST + 0.5,
          NOW - SKEW - 0.5,
          NOW - SKEW + 0.5,
          NOW + SKEW - 0.5,
          NOW + SKEW + 0.5);

  /**
   * Never a time: strings (NaN-like ones included), booleans, null, structures, and numbers no
   * double can hold.
   */
  private static final List<String> NOT_NUMERIC_DATES =
      List.of(
          "\"NaN\"",
          "\"Infinity\"",
          "\"-Infinity\"",
          "\"1750000000\"",
          "\"\"",
          "true",
          "false",
          "null",
          "{}",
          "[]",
          "[1750000000]",
          "1e400",
          "-1e400");

  /**
   * Numbers written as a JSON number but beyond what a long holds: 10^20, 10^40 and -10^20 in full.
   */
  private static final List<String> LONG_LITERALS =
      List.of(
          "100000000000000000000",
          "1" + "0".repeat(40),
          "-100000000000000000000",
          "9223372036854775808");

  /** A time claim as sent, and the whole seconds it stands for when it is a time in range. */
  record TimeClaim(String json, boolean number, OptionalLong seconds) {
    static TimeClaim seconds(long value) {
      return new TimeClaim(
          Long.toString(value),
          true,
          inRange(value) ? OptionalLong.of(value) : OptionalLong.empty());
    }

    static TimeClaim fraction(double value) {
      boolean inRange = value >= 0 && value <= LATEST;
      return new TimeClaim(
          Double.toString(value),
          true,
          inRange ? OptionalLong.of((long) value) : OptionalLong.empty());
    }

    static TimeClaim outOfRange(String json) {
      return new TimeClaim(json, true, OptionalLong.empty());
    }

    static TimeClaim notANumber(String json) {
      return new TimeClaim(json, false, OptionalLong.empty());
    }

    private static boolean inRange(long value) {
      return value >= 0 && value <= LATEST;
    }
  }

  @Test
  void aTokenIsAcceptedExactlyWhenItsTimeClaimsAreInRangeAndCurrent() {
    Random random = new Random(SEED);
    int accepted = 0;
    int refusedInRange = 0;
    int refusedNotATime = 0;
    for (int sample = 0; sample < SAMPLES; sample++) {
      Map<String, Optional<TimeClaim>> claims = new LinkedHashMap<>();
      for (String name : TIME_CLAIMS) {
        claims.put(name, timeClaim(random));
      }
      String token = sign(payload(claims));
      List<String> notTimes =
          TIME_CLAIMS.stream()
              .filter(
                  name -> claims.get(name).filter(claim -> claim.seconds().isEmpty()).isPresent())
              .toList();
      Optional<Long> exp = claims.get("exp").flatMap(claim -> boxed(claim.seconds()));
      Optional<Long> nbf = claims.get("nbf").flatMap(claim -> boxed(claim.seconds()));
      Optional<Long> iat = claims.get("iat").flatMap(claim -> boxed(claim.seconds()));
      boolean current =
          exp.filter(seconds -> seconds >= NOW - SKEW).isPresent()
              && nbf.filter(seconds -> seconds > NOW + SKEW).isEmpty()
              && iat.filter(seconds -> seconds >= exp.orElseThrow()).isEmpty();
      String description = "sample " + sample + " (seed " + SEED + "): " + payload(claims);

      Throwable refusal = catchThrowable(() -> DECODER.decode(token));

      if (notTimes.isEmpty() && current) {
        assertThat(refusal).as(description).isNull();
        accepted++;
        continue;
      }
      assertThat(refusal).as(description).isInstanceOf(BadJwtException.class);
      if (notTimes.isEmpty()) {
        refusedInRange++;
        continue;
      }
      refusedNotATime++;
      // A number out of range is named by the range check; a value of another type Nimbus refuses
      // while parsing.
      if (notTimes.stream().allMatch(name -> claims.get(name).orElseThrow().number())) {
        assertThat(refusal.getMessage())
            .as(description)
            .contains(notTimes.get(0) + " is out of range");
      }
    }

    System.out.printf(
        "%d tokens: %d accepted, %d refused with time claims in range, %d refused with one that is not a time%n",
        SAMPLES, accepted, refusedInRange, refusedNotATime);
    assertThat(accepted).isGreaterThan(SAMPLES / 10);
    assertThat(refusedInRange).isGreaterThan(SAMPLES / 10);
    assertThat(refusedNotATime).isGreaterThan(SAMPLES / 10);
  }

  /**
   * The values the issue reported: Nimbus multiplied them by 1000 into a date long past, so the
   * token was valid.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "nbf, 100000000000000000000",
    "nbf, 9223372036854775807",
    "nbf, 10000000000000000000000000000000000000000",
    "iat, 100000000000000000000",
    "iat, 9223372036854775807",
    "iat, 10000000000000000000000000000000000000000",
    "exp, 100000000000000000000",
    "exp, 9223372036854775807",
    "exp, 10000000000000000000000000000000000000000"
  })
  void aTimeClaimThatOverflowsIsRefusedNamingTheClaim(String name, String value) {
    Map<String, Optional<TimeClaim>> claims = new LinkedHashMap<>();
    claims.put("exp", Optional.of(TimeClaim.seconds(NOW + 300)));
    claims.put("nbf", Optional.of(TimeClaim.seconds(NOW)));
    claims.put("iat", Optional.of(TimeClaim.seconds(NOW)));
    claims.put(name, Optional.of(TimeClaim.outOfRange(value)));

    assertThatThrownBy(() -> DECODER.decode(sign(payload(claims))))
        .isInstanceOf(BadJwtException.class)
        .hasMessageContaining(name + " is out of range");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nbf | null",
        "nbf | \"1750000000\"",
        "nbf | true",
        "iat | null",
        "iat | \"NaN\"",
        "iat | false",
        "exp | null",
        "exp | \"1750000300\"",
        "exp | true"
      })
  void aTimeClaimThatIsNotANumberIsRefused(String name, String value) {
    Map<String, Optional<TimeClaim>> claims = new LinkedHashMap<>();
    claims.put("exp", Optional.of(TimeClaim.seconds(NOW + 300)));
    claims.put("nbf", Optional.of(TimeClaim.seconds(NOW)));
    claims.put("iat", Optional.of(TimeClaim.seconds(NOW)));
    claims.put(name, Optional.of(TimeClaim.notANumber(value)));

    assertThatThrownBy(() -> DECODER.decode(sign(payload(claims))))
        .isInstanceOf(BadJwtException.class);
  }

  @Test
  void theEndOfYear9999IsTheLatestTime() {
    Map<String, Optional<TimeClaim>> claims = new LinkedHashMap<>();
    claims.put("exp", Optional.of(TimeClaim.seconds(LATEST)));
    claims.put("nbf", Optional.of(TimeClaim.seconds(0)));
    claims.put("iat", Optional.of(TimeClaim.seconds(LATEST - 1)));

    assertThat(DECODER.decode(sign(payload(claims))).getExpiresAt())
        .isEqualTo("9999-12-31T23:59:59Z");
  }

  private static Optional<TimeClaim> timeClaim(Random random) {
    int kind = random.nextInt(100);
    if (kind < 5) {
      return Optional.empty();
    }
    if (kind < 20) {
      return Optional.of(TimeClaim.seconds(EDGE_SECONDS.get(random.nextInt(EDGE_SECONDS.size()))));
    }
    if (kind < 65) {
      return Optional.of(TimeClaim.seconds(NOW - 2 * SKEW + random.nextInt((int) (4 * SKEW + 1))));
    }
    if (kind < 73) {
      return Optional.of(TimeClaim.seconds(random.nextLong()));
    }
    if (kind < 78) {
      return Optional.of(TimeClaim.seconds(random.nextLong(LATEST - 1000, LATEST + 1000)));
    }
    if (kind < 86) {
      return Optional.of(
          TimeClaim.fraction(EDGE_FRACTIONS.get(random.nextInt(EDGE_FRACTIONS.size()))));
    }
    if (kind < 94) {
      return Optional.of(TimeClaim.fraction(NOW - 2 * SKEW + random.nextDouble() * 4 * SKEW));
    }
    if (kind < 97) {
      return Optional.of(
          TimeClaim.outOfRange(LONG_LITERALS.get(random.nextInt(LONG_LITERALS.size()))));
    }
    return Optional.of(
        TimeClaim.notANumber(NOT_NUMERIC_DATES.get(random.nextInt(NOT_NUMERIC_DATES.size()))));
  }

  private static Optional<Long> boxed(OptionalLong value) {
    return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
  }

  /** The claims as written into the token, so that any JSON value can stand for a time. */
  private static String payload(Map<String, Optional<TimeClaim>> timeClaims) {
    List<String> members = new ArrayList<>();
    members.add("\"sub\":\"root\"");
    members.add("\"access\":[{\"type\":\"registry\",\"name\":\"import\",\"actions\":[\"*\"]}]");
    timeClaims.forEach(
        (name, claim) -> claim.ifPresent(value -> members.add("\"" + name + "\":" + value.json())));
    return "{" + String.join(",", members) + "}";
  }

  private static String sign(String payload) {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            new Payload(payload));
    try {
      jws.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jws.serialize();
  }
}

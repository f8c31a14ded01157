package io.drydock.api.security;

import com.nimbusds.jwt.proc.BadJWTException;
import java.util.List;
import java.util.Map;

/**
 * The time claims {@code exp}, {@code nbf} and {@code iat} as the token holds them: each one
 * present must be a JSON number of seconds from 0 to {@link #LATEST}, the end of year 9999. Nimbus
 * turns them into dates with {@code longValue() * 1000}, which overflows: {@code nbf} = 10^20
 * became a date in 1969 and the token was valid. So they are checked before that, and a refusal
 * names the claim (a {@link BadJWTException}, which the resource server answers 401 {@code
 * invalid_token}).
 */
final class TimeClaims {
  static final List<String> NAMES = List.of("exp", "nbf", "iat");

  /**
   * 9999-12-31T23:59:59Z: later than any real token, and far from where seconds times 1000 overflow
   * a long.
   */
  static final long LATEST = 253_402_300_799L;

  private static final String RULE =
      "a time claim is a number of seconds since 1970 from 0 to "
          + LATEST
          + " (the end of year 9999)";

  private TimeClaims() {}

  static void check(Map<String, Object> payload) throws BadJWTException {
    for (String name : NAMES) {
      if (!payload.containsKey(name)) {
        continue;
      }
      if (!(payload.get(name) instanceof Number number)) {
        throw new BadJWTException(name + " is not a number; " + RULE);
      }
      // Exact for every long in the range; the longs a double rounds are all far beyond it. NaN
      // fails both tests.
      double seconds = number.doubleValue();
      if (!(seconds >= 0 && seconds <= LATEST)) {
        throw new BadJWTException(name + " is out of range; " + RULE);
      }
    }
  }
}

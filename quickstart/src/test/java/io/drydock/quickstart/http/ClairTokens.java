package io.drydock.quickstart.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.drydock.quickstart.DrydockStack;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Tokens as Clair's services sign them for each other (quay/clair {@code
 * internal/httputil/signer.go} at eb22407da3d3ee32534ed956be3696080754288d, {@code Signer.Sign}):
 * HS256 with the pre-shared key, {@code iss} and the time claims only, {@code nbf} and {@code exp}
 * one minute ({@code jwt.DefaultLeeway}) either side of now.
 */
final class ClairTokens {
  static final String INTRASERVICE = "clair-intraservice";
  private static final Duration LEEWAY = Duration.ofMinutes(1);

  private ClairTokens() {}

  static JWTClaimsSet.Builder claims(String issuer, Instant now) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now.minus(LEEWAY)))
        .expirationTime(Date.from(now.plus(LEEWAY)));
  }

  /** The {@code Authorization} header Clair's signer adds, for the tests' pre-shared key. */
  static String authorization(String issuer) {
    return "Bearer "
        + sign(DrydockStack.CLAIR_PSK, JWSAlgorithm.HS256, claims(issuer, Instant.now()).build());
  }

  /** Any algorithm's name in the header; the signature is always HMAC-SHA256 with the key. */
  static String sign(byte[] key, JWSAlgorithm headerAlgorithm, JWTClaimsSet claims) {
    SignedJWT signed = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      signed.sign(new MACSigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    if (headerAlgorithm.equals(JWSAlgorithm.HS256)) {
      return signed.serialize();
    }
    // The same signature under a header naming another algorithm: what an algorithm confusion
    // sends.
    String[] parts = signed.serialize().split("\\.");
    String header = Base64URL.encode("{\"alg\":\"" + headerAlgorithm.getName() + "\"}").toString();
    return header + "." + parts[1] + "." + parts[2];
  }
}

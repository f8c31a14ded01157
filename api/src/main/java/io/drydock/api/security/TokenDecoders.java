package io.drydock.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the decoder for the registry tokens GitLab issues: HS256 with {@code
 * DRYDOCK_AUTH_JWT_SECRET}, RS256 with {@code DRYDOCK_AUTH_JWT_PUBLIC_KEY}, or both. Every problem
 * with the configuration fails start-up with a message naming the variable to fix.
 */
final class TokenDecoders {
  static final String ACCESS_CLAIM = "access";

  private static final int MIN_SECRET_BYTES = 32;
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private TokenDecoders() {}

  static JwtDecoder create(AuthProperties auth) {
    return create(auth, Clock.systemUTC());
  }

  /** With the clock the time claims are compared to. */
  static JwtDecoder create(AuthProperties auth, Clock clock) {
    Map<JWSAlgorithm, Key> keys = new HashMap<>();
    auth.secret().ifPresent(secret -> keys.put(JWSAlgorithm.HS256, hmacKey(secret)));
    auth.publicKey().ifPresent(publicKey -> keys.put(JWSAlgorithm.RS256, rsaKey(publicKey)));
    if (keys.isEmpty()) {
      throw new IllegalStateException(
          "no token key is configured: set DRYDOCK_AUTH_JWT_SECRET (HS256, at least "
              + MIN_SECRET_BYTES
              + " bytes) and/or DRYDOCK_AUTH_JWT_PUBLIC_KEY (RS256: a PEM public key or certificate, or the path of"
              + " a PEM file)");
    }
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor(keys));
    decoder.setJwtValidator(validator(auth, clock));
    return decoder;
  }

  /**
   * The decoder of Clair's intra-service tokens (quay/clair {@code
   * middleware/auth/httpauth_psk.go}): HS256 with the pre-shared key, {@code iss} one of {@code
   * issuers}, and the time claims checked as a registry token's are.
   */
  static JwtDecoder clairPsk(byte[] key, List<String> issuers, Clock clock) {
    NimbusJwtDecoder decoder =
        new NimbusJwtDecoder(
            processor(Map.of(JWSAlgorithm.HS256, new SecretKeySpec(key, "HmacSHA256"))));
    decoder.setJwtValidator(
        JwtValidators.createDefaultWithValidators(
            List.of(
                timestamps(clock),
                new JwtClaimValidator<Object>(
                    "iss", issuer -> issuer != null && issuers.contains(issuer)))));
    return decoder;
  }

  /**
   * Verifies the signature with the key of the token's algorithm, then checks the time claims as
   * sent.
   */
  private static DefaultJWTProcessor<SecurityContext> processor(Map<JWSAlgorithm, Key> keys) {
    DefaultJWTProcessor<SecurityContext> processor =
        new DefaultJWTProcessor<>() {
          // Once the signature is verified, the time claims as sent, before Nimbus turns them into
          // dates.
          @Override
          public JWTClaimsSet process(SignedJWT jwt, SecurityContext context)
              throws BadJOSEException, JOSEException {
            JWTClaimsSet claims = super.process(jwt, context);
            TimeClaims.check(jwt.getPayload().toJSONObject());
            return claims;
          }
        };
    // The token's alg header picks the key, and a key only ever verifies its own algorithm, so an
    // HS256 token can
    // never be checked against the public key's bytes. The kid header is not matched: GitLab
    // derives it from its
    // signing key, and only the configured key can verify the signature anyway.
    processor.setJWSKeySelector(
        (header, context) ->
            Optional.ofNullable(keys.get(header.getAlgorithm())).map(List::of).orElse(List.of()));
    // The claims are checked by Spring's validators, whose messages say which check failed.
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    return processor;
  }

  /**
   * exp and nbf with 60 s of clock skew; a token without exp would never expire, so it is refused.
   */
  private static JwtTimestampValidator timestamps(Clock clock) {
    JwtTimestampValidator timestamps = new JwtTimestampValidator();
    timestamps.setAllowEmptyExpiryClaim(false);
    timestamps.setClock(clock);
    return timestamps;
  }

  private static OAuth2TokenValidator<Jwt> validator(AuthProperties auth, Clock clock) {
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(timestamps(clock));
    // A token without GitLab's access claim is not a registry token at all: 401, where a registry
    // token granting
    // other access is refused with 403 by the authorization rules.
    validators.add(new JwtClaimValidator<Object>(ACCESS_CLAIM, Collection.class::isInstance));
    auth.issuer().ifPresent(issuer -> validators.add(new JwtIssuerValidator(issuer)));
    auth.audience().ifPresent(audience -> validators.add(new JwtAudienceValidator(audience)));
    return JwtValidators.createDefaultWithValidators(validators);
  }

  private static SecretKeySpec hmacKey(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalStateException(
          "DRYDOCK_AUTH_JWT_SECRET is "
              + bytes.length
              + " bytes long; HS256 needs at least "
              + MIN_SECRET_BYTES
              + " (openssl rand -hex 32 makes one)");
    }
    return new SecretKeySpec(bytes, "HmacSHA256");
  }

  /**
   * A PEM public key or certificate (GitLab's registry is configured with the certificate), or a
   * file holding one.
   */
  private static RSAPublicKey rsaKey(String configured) {
    String pem = configured.contains("-----BEGIN") ? configured : readPemFile(configured.strip());
    Matcher block = PEM.matcher(pem);
    if (!block.find()) {
      throw new IllegalStateException(
          "DRYDOCK_AUTH_JWT_PUBLIC_KEY holds no PEM block (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)");
    }
    PublicKey key;
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      key =
          switch (block.group(1)) {
            case "PUBLIC KEY" ->
                KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            case "CERTIFICATE" ->
                CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
            default ->
                throw new IllegalStateException(
                    "DRYDOCK_AUTH_JWT_PUBLIC_KEY holds a "
                        + block.group(1)
                        + "; it needs a PUBLIC KEY or CERTIFICATE");
          };
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "DRYDOCK_AUTH_JWT_PUBLIC_KEY is not a valid RSA key: " + e.getMessage(), e);
    }
    if (!(key instanceof RSAPublicKey rsa)) {
      throw new IllegalStateException(
          "DRYDOCK_AUTH_JWT_PUBLIC_KEY holds a "
              + key.getAlgorithm()
              + " key; RS256 needs an RSA key");
    }
    return rsa;
  }

  private static String readPemFile(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "DRYDOCK_AUTH_JWT_PUBLIC_KEY is neither a PEM string nor a readable PEM file: " + path,
          e);
    }
  }
}

package io.drydock.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The token decoder on its own, for what the end-to-end tests cannot change without restarting the
 * stack: RS256 with a configured public key or certificate, issuer and audience checks, and the
 * start-up failures.
 */
class JwtDecoderTest {
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes";

  /**
   * A self-signed certificate and its key, made with openssl req -x509 -newkey rsa:2048 for these
   * tests only.
   */
  private static final String CERTIFICATE = resource("rs256-test-cert.pem");

  private static final PrivateKey PRIVATE_KEY = privateKey(resource("rs256-test-key.pem"));

  @Test
  void hs256WithTheSecretIsAccepted() {
    Jwt jwt = decoder(SECRET, null).decode(hs256(SECRET, claims(c -> c)));

    assertThat(jwt.getClaimAsString("iss")).isEqualTo("gitlab-issuer");
  }

  @Test
  void rs256IsAcceptedWithAPublicKeyPem() {
    String token = rs256(claims(c -> c));

    assertThat(decoder(null, publicKeyPem()).decode(token).getSubject()).isEqualTo("root");
  }

  @Test
  void rs256IsAcceptedWithACertificateFileAsGitLabsRegistryIsConfigured(@TempDir Path directory)
      throws IOException {
    Path certificate = Files.writeString(directory.resolve("registry.crt"), CERTIFICATE);

    assertThat(decoder(null, certificate.toString()).decode(rs256(claims(c -> c))).getSubject())
        .isEqualTo("root");
  }

  @Test
  void withBothConfiguredEachAlgorithmUsesItsOwnKey() {
    JwtDecoder decoder = decoder(SECRET, CERTIFICATE);

    assertThat(decoder.decode(hs256(SECRET, claims(c -> c)))).isNotNull();
    assertThat(decoder.decode(rs256(claims(c -> c)))).isNotNull();
  }

  @Test
  void rs256IsRefusedWhenOnlyASecretIsConfigured() {
    assertThatThrownBy(() -> decoder(SECRET, null).decode(rs256(claims(c -> c))))
        .isInstanceOf(BadJwtException.class);
  }

  /**
   * The classic confusion: HS256 keyed with the public key's PEM text must not verify against the
   * public key.
   */
  @Test
  void hs256KeyedWithThePublicKeyIsRefused() {
    String pem = publicKeyPem();

    assertThatThrownBy(() -> decoder(null, pem).decode(hs256(pem, claims(c -> c))))
        .isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> decoder(SECRET, pem).decode(hs256(pem, claims(c -> c))))
        .isInstanceOf(BadJwtException.class)
        .hasMessageContaining("Invalid signature");
  }

  @Test
  void issuerAndAudienceAreCheckedOnlyWhenConfigured() {
    String token = hs256(SECRET, claims(c -> c));
    JwtDecoder gitLab =
        TokenDecoders.create(
            new AuthProperties(SECRET, null, "gitlab-issuer", "container_registry"));
    JwtDecoder other =
        TokenDecoders.create(new AuthProperties(SECRET, null, "other-issuer", "other-audience"));
    JwtDecoder blank = TokenDecoders.create(new AuthProperties(SECRET, " ", "", " "));

    assertThat(gitLab.decode(token)).isNotNull();
    assertThat(blank.decode(token)).isNotNull();
    assertThatThrownBy(() -> other.decode(token))
        .isInstanceOf(BadJwtException.class)
        .hasMessageContaining("iss");
    JwtDecoder otherAudience =
        TokenDecoders.create(new AuthProperties(SECRET, null, null, "other-audience"));
    assertThatThrownBy(() -> otherAudience.decode(token))
        .isInstanceOf(BadJwtException.class)
        .hasMessageContaining("aud");
  }

  @Test
  void expiryIsCheckedWithAMinuteOfClockSkew() {
    Instant now = Instant.now();
    UnaryOperator<JWTClaimsSet.Builder> issued = c -> c.issueTime(Date.from(now.minusSeconds(600)));
    String justExpired =
        hs256(SECRET, claims(c -> issued.apply(c).expirationTime(Date.from(now.minusSeconds(30)))));
    String expired =
        hs256(SECRET, claims(c -> issued.apply(c).expirationTime(Date.from(now.minusSeconds(90)))));

    assertThat(decoder(SECRET, null).decode(justExpired)).isNotNull();
    assertThatThrownBy(() -> decoder(SECRET, null).decode(expired)).hasMessageContaining("expired");
  }

  @Test
  void theAccessClaimMapsToAuthorities() {
    Jwt jwt =
        decoder(SECRET, null)
            .decode(
                hs256(
                    SECRET,
                    claims(
                        c ->
                            c.claim(
                                "access",
                                List.of(
                                    Map.of(
                                        "type",
                                        "registry",
                                        "name",
                                        "import",
                                        "actions",
                                        List.of("*", "operator")),
                                    Map.of(
                                        "type",
                                        "registry",
                                        "name",
                                        "other/repo",
                                        "actions",
                                        List.of("pull")),
                                    Map.of(
                                        "type",
                                        "repository",
                                        "name",
                                        "import",
                                        "actions",
                                        List.of("push")),
                                    Map.of("type", "registry", "name", "import", "actions", "*"),
                                    "not an entry")))));

    assertThat(new RegistryAccessConverter().convert(jwt).getAuthorities())
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly(RegistryAccessConverter.IMPORT, RegistryAccessConverter.OPERATOR);
  }

  @Test
  void startUpFailsWithoutAKeyNamingTheVariables() {
    assertThatThrownBy(() -> decoder(null, " "))
        .hasMessageContaining("DRYDOCK_AUTH_JWT_SECRET")
        .hasMessageContaining("DRYDOCK_AUTH_JWT_PUBLIC_KEY");
  }

  @Test
  void startUpFailsWithAShortSecret() {
    assertThatThrownBy(() -> decoder("31-bytes-is-one-byte-too-short!", null))
        .hasMessageContaining("DRYDOCK_AUTH_JWT_SECRET is 31 bytes long");
  }

  @Test
  void startUpFailsWithAPublicKeyThatIsNotOne(@TempDir Path directory) {
    assertThatThrownBy(() -> decoder(null, directory.resolve("missing.pem").toString()))
        .hasMessageContaining(
            "DRYDOCK_AUTH_JWT_PUBLIC_KEY is neither a PEM string nor a readable PEM file");
    assertThatThrownBy(() -> decoder(null, resource("rs256-test-key.pem")))
        .hasMessageContaining("DRYDOCK_AUTH_JWT_PUBLIC_KEY holds a PRIVATE KEY");
    assertThatThrownBy(
            () -> decoder(null, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        .hasMessageContaining("DRYDOCK_AUTH_JWT_PUBLIC_KEY is not a valid RSA key");
  }

  private static JwtDecoder decoder(String secret, String publicKey) {
    return TokenDecoders.create(new AuthProperties(secret, publicKey, null, null));
  }

  private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("gitlab-issuer")
            .audience("container_registry")
            .subject("root")
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
            .jwtID("test")
            .claim(
                "access",
                List.of(Map.of("type", "registry", "name", "import", "actions", List.of("*"))));
    return change.apply(claims).build();
  }

  private static String hs256(String secret, JWTClaimsSet claims) {
    try {
      return sign(
          JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * As GitLab signs registry tokens: RS256 with a kid derived from its key, which the decoder does
   * not match.
   */
  private static String rs256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.RS256, new RSASSASigner(PRIVATE_KEY), claims);
  }

  private static String sign(JWSAlgorithm algorithm, JWSSigner signer, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm)
                .type(JOSEObjectType.JWT)
                .keyID("ABCD:EFGH:IJKL")
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static String publicKeyPem() {
    try {
      byte[] der =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(CERTIFICATE.getBytes(StandardCharsets.US_ASCII)))
              .getPublicKey()
              .getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = JwtDecoderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

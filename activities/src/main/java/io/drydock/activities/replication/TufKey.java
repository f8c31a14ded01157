package io.drydock.activities.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A public key as TUF's root metadata lists it, of the three schemes the TUF specification and
 * securesystemslib define: {@code ed25519} (the key as 64 hex digits, the signature as 128), {@code
 * ecdsa-sha2-nistp256} and {@code rsassa-pss-sha256} (the key as a PEM SubjectPublicKeyInfo; the
 * ECDSA signature DER-encoded, in hex). Verification uses the JDK's providers.
 */
final class TufKey {
  /**
   * The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 bytes of the key.
   */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private static final int SHA256_LENGTH = 32;

  private final String scheme;
  private final PublicKey key;

  private TufKey(String scheme, PublicKey key) {
    this.scheme = scheme;
    this.key = key;
  }

  /**
   * The key, or empty when its scheme is not one Drydock verifies (such a key never counts toward a
   * threshold).
   */
  static Optional<TufKey> parse(JsonNode description) {
    String scheme = description.path("scheme").asText("");
    String keytype = description.path("keytype").asText("");
    String publicValue = description.path("keyval").path("public").asText("");
    try {
      switch (scheme) {
        case "ed25519":
          if (!keytype.equals("ed25519")) {
            return Optional.empty();
          }
          byte[] raw = HexFormat.of().parseHex(publicValue);
          if (raw.length != 32) {
            return Optional.empty();
          }
          byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
          System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
          System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
          return Optional.of(
              new TufKey(
                  scheme,
                  KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki))));
        case "ecdsa-sha2-nistp256":
          if (!List.of("ecdsa", "ecdsa-sha2-nistp256").contains(keytype)) {
            return Optional.empty();
          }
          return Optional.of(
              new TufKey(scheme, KeyFactory.getInstance("EC").generatePublic(pem(publicValue))));
        case "rsassa-pss-sha256":
          if (!keytype.equals("rsa")) {
            return Optional.empty();
          }
          return Optional.of(
              new TufKey(scheme, KeyFactory.getInstance("RSA").generatePublic(pem(publicValue))));
        default:
          return Optional.empty();
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code signatureHex} is this key's signature of {@code message}; malformed signatures
   * are not.
   */
  boolean verifies(byte[] message, String signatureHex) {
    byte[] signature;
    try {
      signature = HexFormat.of().parseHex(signatureHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      switch (scheme) {
        case "ed25519":
          return verify("Ed25519", null, message, signature);
        case "ecdsa-sha2-nistp256":
          return verify("SHA256withECDSA", null, message, signature);
        default:
          // PSS does not say its salt length; securesystemslib signs with the digest's length,
          // older signers with
          // the largest the key allows. Both are the scheme.
          int largestSalt =
              (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8 - SHA256_LENGTH - 2;
          return verify("RSASSA-PSS", pss(SHA256_LENGTH), message, signature)
              || verify("RSASSA-PSS", pss(largestSalt), message, signature);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean verify(
      String algorithm, PSSParameterSpec parameters, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance(algorithm);
    if (parameters != null) {
      verifier.setParameter(parameters);
    }
    verifier.initVerify(key);
    verifier.update(message);
    try {
      return verifier.verify(signature);
    } catch (SignatureException malformed) {
      return false;
    }
  }

  private static PSSParameterSpec pss(int saltLength) {
    return new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltLength, 1);
  }

  private static X509EncodedKeySpec pem(String pem) {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    return new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
  }
}

package io.hermod.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** Makes a DKIM key pair: the private key as PKCS#8 PEM and the DNS TXT record value to publish. */
public final class KeyGen {

  /** An Ed25519 SubjectPublicKeyInfo is this 12-byte prefix and the 32-byte raw key. */
  private static final int ED25519_SPKI_PREFIX = 12;

  /**
   * @param algorithm the key type
   * @param privateKeyPem "-----BEGIN PRIVATE KEY-----" ... PKCS#8, lines of 64, ending in a newline
   * @param dnsTxt the TXT record value, e.g. {@code v=DKIM1; k=rsa; p=MIIB...}
   * @param keyPair the keys themselves
   */
  public record GeneratedKey(Algorithm algorithm, String privateKeyPem, String dnsTxt, KeyPair keyPair) {
  }

  private KeyGen() {
  }

  /** {@code rsaBits} is used for RSA only (1024..4096; 2048 is the usual choice). */
  public static GeneratedKey generate(Algorithm algorithm, int rsaBits) {
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyAlgorithm());
      if (algorithm == Algorithm.RSA_SHA256) {
        if (rsaBits < SigningKey.MIN_RSA_BITS || rsaBits > SigningKey.MAX_RSA_BITS) {
          throw new IllegalArgumentException("RSA key size " + rsaBits + ": must be " + SigningKey.MIN_RSA_BITS
              + " to " + SigningKey.MAX_RSA_BITS);
        }
        generator.initialize(rsaBits);
      }
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a " + algorithm.keyAlgorithm() + " key", e);
    }
    byte[] spki = pair.getPublic().getEncoded();
    String txt = algorithm == Algorithm.RSA_SHA256
        ? "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(spki)
        : "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(
            Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX, spki.length));
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    return new GeneratedKey(algorithm, pem, txt, pair);
  }
}

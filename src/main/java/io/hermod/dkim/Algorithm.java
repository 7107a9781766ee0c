package io.hermod.dkim;

import java.util.Locale;

/** Signing algorithms offered; rsa-sha1 is deliberately absent (RFC 8301). */
public enum Algorithm {
  RSA_SHA256("rsa-sha256", "RSA"),
  ED25519_SHA256("ed25519-sha256", "Ed25519");

  private final String tag;
  private final String keyAlgorithm;

  Algorithm(String tag, String keyAlgorithm) {
    this.tag = tag;
    this.keyAlgorithm = keyAlgorithm;
  }

  /** The value of the {@code a=} tag. */
  public String tag() {
    return tag;
  }

  /** The JDK's name for the key type ("RSA", "Ed25519"). */
  public String keyAlgorithm() {
    return keyAlgorithm;
  }

  /** Parses "rsa-sha256", "ed25519-sha256", or the short forms "rsa" and "ed25519". */
  public static Algorithm parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "rsa-sha256", "rsa" -> RSA_SHA256;
      case "ed25519-sha256", "ed25519" -> ED25519_SHA256;
      case "rsa-sha1" -> throw new IllegalArgumentException("rsa-sha1 is not offered (RFC 8301): use rsa-sha256");
      default -> throw new IllegalArgumentException("unknown DKIM algorithm '" + name
          + "': expected rsa-sha256 or ed25519-sha256");
    };
  }
}

package io.hermod.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One DKIM signing key and how to sign with it.
 *
 * @param domain the signing domain ({@code d=}), lower case
 * @param selector the selector ({@code s=})
 * @param algorithm {@code a=}
 * @param privateKey an RSA key of 1024 to 4096 bits or an Ed25519 key
 * @param headers header names to sign, in {@code h=} order; each present instance is signed
 * @param overSigned names listed once more than they occur, so that adding one breaks the signature
 * @param expiry when set, {@code x=} is {@code t=} plus this
 * @param headerCanonicalization {@code c=} for headers
 * @param bodyCanonicalization {@code c=} for the body
 * @param file the PEM file the key was read from, re-read by {@link DkimKeys#reload()}; null for
 *     a key made in memory
 */
public record SigningKey(String domain, String selector, Algorithm algorithm, PrivateKey privateKey,
    List<String> headers, Set<String> overSigned, Optional<Duration> expiry,
    Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization, Path file) {

  /**
   * The header list of issue 16: what receivers and list tools look at; and Hermod's own
   * {@code X-Hermod-Ref}, so a feedback report's reference is one the sender's domain signed.
   */
  public static final List<String> DEFAULT_HEADERS = List.of("From", "Reply-To", "Subject", "Date", "To",
      "Cc", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "In-Reply-To",
      "References", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID", "X-Hermod-Ref");
  /** Over-signed by default: the fields a replayer would most like to add. */
  public static final Set<String> DEFAULT_OVER_SIGNED = names(List.of("From", "Subject", "To",
      "List-Unsubscribe", "List-Unsubscribe-Post"));

  public static final int MIN_RSA_BITS = 1024;
  public static final int MAX_RSA_BITS = 4096;

  public SigningKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
    Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
    Objects.requireNonNull(expiry, "expiry");
    domain = domain.toLowerCase(Locale.ROOT);
    if (domain.isEmpty() || selector.isEmpty()) {
      throw new IllegalArgumentException("DKIM domain and selector must not be empty");
    }
    headers = List.copyOf(headers);
    overSigned = names(overSigned);
    if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("From"))) {
      throw new IllegalArgumentException("DKIM header list must include From (RFC 6376 5.4)");
    }
    if (!privateKey.getAlgorithm().equalsIgnoreCase(algorithm.keyAlgorithm())
        && !(algorithm == Algorithm.ED25519_SHA256 && privateKey.getAlgorithm().equals("EdDSA"))) {
      throw new IllegalArgumentException("a " + privateKey.getAlgorithm() + " key cannot sign " + algorithm.tag());
    }
    if (privateKey instanceof RSAKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
        throw new IllegalArgumentException("RSA key of " + bits + " bits: must be " + MIN_RSA_BITS + " to "
            + MAX_RSA_BITS);
      }
    }
  }

  /** A key made in memory, with the default headers, relaxed/relaxed and no expiry. */
  public static SigningKey of(PrivateKey key, String domain, String selector, Algorithm algorithm) {
    return new SigningKey(domain, selector, algorithm, key, DEFAULT_HEADERS, DEFAULT_OVER_SIGNED,
        Optional.empty(), Canonicalization.RELAXED, Canonicalization.RELAXED, null);
  }

  /**
   * Reads a PEM private key (PKCS#8 "BEGIN PRIVATE KEY" for either algorithm, PKCS#1 "BEGIN RSA
   * PRIVATE KEY" for RSA), with the default headers, relaxed/relaxed and no expiry.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static SigningKey load(Path pem, String domain, String selector, Algorithm algorithm) {
    return load(pem, domain, selector, algorithm, DEFAULT_HEADERS, DEFAULT_OVER_SIGNED, Optional.empty(),
        Canonicalization.RELAXED, Canonicalization.RELAXED);
  }

  /** The full form of {@link #load(Path, String, String, Algorithm)}. */
  public static SigningKey load(Path pem, String domain, String selector, Algorithm algorithm,
      List<String> headers, Set<String> overSigned, Optional<Duration> expiry,
      Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization) {
    PrivateKey key = readKey(pem, algorithm);
    try {
      return new SigningKey(domain, selector, algorithm, key, headers, overSigned, expiry,
          headerCanonicalization, bodyCanonicalization, pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
    }
  }

  /** This key re-read from its file, same settings. */
  SigningKey reloaded() {
    return load(file, domain, selector, algorithm, headers, overSigned, expiry, headerCanonicalization,
        bodyCanonicalization);
  }

  public SigningKey withHeaders(List<String> headers, Set<String> overSigned) {
    return new SigningKey(domain, selector, algorithm, privateKey, headers, overSigned, expiry,
        headerCanonicalization, bodyCanonicalization, file);
  }

  public SigningKey withExpiry(Duration expiry) {
    return new SigningKey(domain, selector, algorithm, privateKey, headers, overSigned, Optional.of(expiry),
        headerCanonicalization, bodyCanonicalization, file);
  }

  public SigningKey withCanonicalization(Canonicalization header, Canonicalization body) {
    return new SigningKey(domain, selector, algorithm, privateKey, headers, overSigned, expiry, header, body,
        file);
  }

  /** The DNS name of the public key record: {@code selector._domainkey.domain}. */
  public String dnsName() {
    return selector + "._domainkey." + domain;
  }

  /** True if {@code name} is in {@link #overSigned()}, ignoring case. */
  boolean isOverSigned(String name) {
    return overSigned.contains(name.toLowerCase(Locale.ROOT));
  }

  private static Set<String> names(Collection<String> names) {
    Set<String> lower = new TreeSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    return Set.copyOf(lower);
  }

  /** Reads the key; every problem is an IllegalArgumentException starting with the file. */
  static PrivateKey readKey(Path pem, Algorithm algorithm) {
    String text;
    try {
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(pem + ": cannot read DKIM key: " + e, e);
    }
    try {
      return decode(text, algorithm);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey decode(String text, Algorithm algorithm) {
    byte[] der;
    boolean pkcs1 = false;
    if (text.contains("-----BEGIN PRIVATE KEY-----")) {
      der = pemBody(text, "PRIVATE KEY");
    } else if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      if (algorithm != Algorithm.RSA_SHA256) {
        throw new IllegalArgumentException("a PKCS#1 RSA key cannot sign " + algorithm.tag());
      }
      if (text.contains("Proc-Type: 4,ENCRYPTED")) {
        throw new IllegalArgumentException("encrypted keys are not supported: store it unencrypted, mode 0600");
      }
      der = Pkcs1.toPkcs8(pemBody(text, "RSA PRIVATE KEY"));
      pkcs1 = true;
    } else if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException("encrypted keys are not supported: store it unencrypted, mode 0600");
    } else {
      throw new IllegalArgumentException("no \"BEGIN PRIVATE KEY\" or \"BEGIN RSA PRIVATE KEY\" block");
    }
    try {
      return KeyFactory.getInstance(algorithm.keyAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException((pkcs1 ? "bad PKCS#1 RSA key" : "not a PKCS#8 "
          + algorithm.keyAlgorithm() + " key") + " (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm.keyAlgorithm(), e);
    }
  }

  private static byte[] pemBody(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin) + begin.length();
    int to = text.indexOf(end, from);
    if (to < 0) {
      throw new IllegalArgumentException("no \"" + end + "\" line");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from, to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad base64 in the PEM block (" + e.getMessage() + ")", e);
    }
  }
}

package io.hermod.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One DKIM signer: the d= domain (lower-case), the s= selector, the PEM private key file (checked
 * readable at start-up; its contents are parsed by the signer), and the a= algorithm, one of
 * {@link #RSA_SHA256} and {@link #ED25519_SHA256}. {@code headers} and {@code overSign} are the
 * header field names to sign and to over-sign, empty for the built-in default lists; {@code expire}
 * sets x= to t= plus it; the canonicalizations are {@code "relaxed"} or {@code "simple"} each.
 */
public record DkimSignerConfig(String domain, String selector, Path key, String algorithm, List<String> headers,
    List<String> overSign, Optional<Duration> expire, String headerCanonicalization,
    String bodyCanonicalization) {

  public static final String RSA_SHA256 = "rsa-sha256";
  public static final String ED25519_SHA256 = "ed25519-sha256";
  public static final String RELAXED = "relaxed";
  public static final String SIMPLE = "simple";

  public DkimSignerConfig {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    headers = List.copyOf(headers);
    overSign = List.copyOf(overSign);
    Objects.requireNonNull(expire, "expire");
    Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
    Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
  }
}

package io.hermod.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * DKIM signing ({@code dkim.*}). {@code domains} maps a lower-case signing domain to its one or
 * two signers (two = dual signing, one rsa-sha256 and one ed25519-sha256); {@code defaultSigner}
 * signs mail whose From: domain has no entry. Both empty (the default): nothing is signed.
 */
public record DkimConfig(Map<String, List<DkimSignerConfig>> domains, Optional<DkimSignerConfig> defaultSigner) {

  public DkimConfig {
    domains = domains.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    Objects.requireNonNull(defaultSigner, "defaultSigner");
  }
}

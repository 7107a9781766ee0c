package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * PEM certificate (chain) and private key for inbound TLS ({@code tls.*}): STARTTLS on port 25 and
 * 587, implicit TLS on 465. Both or neither; the loader checks that they are readable files.
 */
public record TlsConfig(Optional<Path> cert, Optional<Path> key) {

  public boolean enabled() {
    return cert.isPresent() && key.isPresent();
  }
}

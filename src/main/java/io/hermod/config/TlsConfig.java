package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/** PEM certificate and key for STARTTLS ({@code tls.*}); the loader rejects them until TLS is built. */
public record TlsConfig(Optional<Path> cert, Optional<Path> key) {
}

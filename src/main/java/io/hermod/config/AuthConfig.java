package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/** The SMTP AUTH user file ({@code auth.*}); the loader rejects it until AUTH is built. */
public record AuthConfig(Optional<Path> users) {
}

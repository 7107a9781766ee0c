package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The SMTP AUTH user file ({@code auth.users}): lines of {@code user:bcrypt-hash[:senders]}. The
 * loader checks only that the file is readable; the intake parses it (and names the line of a bad entry).
 */
public record AuthConfig(Optional<Path> users) {
}

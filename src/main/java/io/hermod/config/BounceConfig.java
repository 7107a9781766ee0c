package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Bounce classification ({@code bounce.*}): the operator's rules file, read before the table in
 * the jar. The loader checks only that the file is readable; {@link io.hermod.bounce.Classifier}
 * parses it (and names the line of a bad rule).
 */
public record BounceConfig(Optional<Path> rules) {
}

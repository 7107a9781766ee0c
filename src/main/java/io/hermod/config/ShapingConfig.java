package io.hermod.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Traffic shaping ({@code shaping.path}): the operator's shaping file, laid over the built-in one.
 * The loader checks only that the file is readable; {@link io.hermod.shaping.ShapingStore} parses
 * it and names the key of a bad value.
 */
public record ShapingConfig(Optional<Path> path) {
}

package io.hermod.config;

import java.util.Optional;

/**
 * Several Hermod processes as one ({@code cluster.*}): {@code redis} is the URL of the Redis that
 * keeps the limits they share; empty = each process keeps its own.
 */
public record ClusterConfig(Optional<String> redis) {
}

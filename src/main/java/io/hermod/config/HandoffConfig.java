package io.hermod.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Queue hand-off ({@code cluster.handoff_*}).
 *
 * @param to      the peer SIGTERM hands the queue to (the base URL of its HTTP API); empty = SIGTERM
 *                only drains, and the queue stays on the volume
 * @param token   the bearer token the peer's {@code /api} wants; empty = this pod's {@code http.token}
 * @param timeout how long a hand-off may run before what is left stays here
 */
public record HandoffConfig(Optional<URI> to, Optional<String> token, Duration timeout) {
}

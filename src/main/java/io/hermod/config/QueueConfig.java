package io.hermod.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Queue shards, backoff and expiry ({@code queue.*}); an empty delayWarning means no delay DSN.
 * maxReady is the base of the shaping key {@code max_ready}.
 */
public record QueueConfig(int shards, RetryConfig retry, Duration maxAge, Optional<Duration> delayWarning,
    int maxReady) {
}

package io.hermod.config;

import java.time.Duration;
import java.util.Optional;

/** Queue shards, backoff and expiry ({@code queue.*}); an empty delayWarning means no delay DSN. */
public record QueueConfig(int shards, RetryConfig retry, Duration maxAge, Optional<Duration> delayWarning) {
}

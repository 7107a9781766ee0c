package io.hermod.config;

import java.time.Duration;

/** Exponential backoff for deferred recipients ({@code queue.retry.*}). */
public record RetryConfig(Duration initial, Duration max, double factor) {
}

package io.hermod.config;

import java.time.Duration;

/** How long SIGTERM waits for transactions in flight ({@code shutdown.*}). */
public record ShutdownConfig(Duration grace) {
}

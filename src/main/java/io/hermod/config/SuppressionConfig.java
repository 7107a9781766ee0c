package io.hermod.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The suppression list ({@code suppression.*}): whether recipients that bounced as unknown or
 * inactive are refused from then on, for how long ({@code ttl}, empty = until removed), and whether
 * an entry holds for the sender's domain only or for every sender.
 */
public record SuppressionConfig(boolean enabled, Optional<Duration> ttl, Scope scope) {

    /** Whom an automatically added entry refuses mail from. */
    public enum Scope {
        /** Only mail whose envelope sender is in the domain that got the bounce. */
        SENDER_DOMAIN,
        /** Mail from every sender. */
        GLOBAL
    }
}

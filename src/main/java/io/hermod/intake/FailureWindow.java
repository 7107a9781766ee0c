package io.hermod.intake;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed AUTH attempts per client address over a fixed window, across every connection: a guesser
 * that reconnects after each try is held to {@code max} tries per window. Entries older than the
 * window are dropped as they are met, and the map is swept when it grows, so it stays small.
 */
final class FailureWindow {

    private record Count(long startNanos, int failures) {
    }

    private static final int SWEEP_AT = 10_000;

    private final int max;
    private final long windowNanos;
    private final ConcurrentHashMap<InetAddress, Count> counts = new ConcurrentHashMap<>();

    FailureWindow(int max, Duration window) {
        this.max = max;
        this.windowNanos = window.toNanos();
    }

    boolean admits(InetAddress client, long nowNanos) {
        Count c = counts.get(client);
        return c == null || nowNanos - c.startNanos() >= windowNanos || c.failures() < max;
    }

    void record(InetAddress client, long nowNanos) {
        counts.compute(client, (k, c) -> c == null || nowNanos - c.startNanos() >= windowNanos
                ? new Count(nowNanos, 1) : new Count(c.startNanos(), c.failures() + 1));
        if (counts.size() > SWEEP_AT) {
            counts.values().removeIf(c -> nowNanos - c.startNanos() >= windowNanos);
        }
    }
}

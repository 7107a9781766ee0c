package io.hermod.queue;

import io.hermod.config.RetryConfig;
import java.time.Duration;

/**
 * {@code queue.retry.*}: the n-th retry waits {@code initial × factor^(n-1)}, capped at {@code max},
 * with ±20 % jitter so that messages deferred together do not come back together.
 */
record RetryPolicy(Duration initial, Duration max, double factor) {

    static RetryPolicy of(RetryConfig config) {
        return new RetryPolicy(config.initial(), config.max(), config.factor());
    }

    /**
     * Delay before the next attempt after {@code attempts} attempts (1 = the first failed);
     * {@code random} in [0, 1) places it in the jitter band (0.5 = no jitter).
     */
    long delayMillis(int attempts, double random) {
        double base = initial.toMillis() * Math.pow(factor, Math.max(0, attempts - 1));
        double capped = Math.min(max.toMillis(), base);
        double jittered = capped * (0.8 + 0.4 * random);
        return Math.max(1, Math.round(Math.min(max.toMillis(), jittered)));
    }
}

package io.hermod.cluster;

import io.hermod.shaping.LocalThrottles;
import io.hermod.shaping.Rate;
import io.hermod.shaping.Throttles;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate throttles shared by every pod: each key's TAT lives in Redis and is advanced by the
 * {@link Scripts#GCRA} script. To keep Redis off the path of every message, a pod takes the units
 * due within the next {@link #LOOKAHEAD_MICROS} at once and hands them out locally at their due
 * times; a pod that does not use them leaves the rate a little under its limit, never over it.
 * While Redis cannot be reached, each pod keeps a local throttle at {@code rate / live pods}.
 */
public final class ClusterThrottles implements Throttles {

    /** How far ahead a pod takes units: short, so that a pod that stops sending wastes little. */
    static final long LOOKAHEAD_MICROS = 100_000;
    /** At most this many units per call. */
    static final int MAX_BATCH = 64;
    /** How long to wait before asking again while a call to Redis is out. */
    static final long IN_FLIGHT_WAIT_NANOS = 2_000_000;

    private final RedisLink redis;
    private final LocalThrottles fallback = new LocalThrottles(LocalThrottles.systemClock());
    private final ConcurrentHashMap<String, Slots> slots = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    public ClusterThrottles(RedisLink redis) {
        this.redis = redis;
    }

    /** Units a pod fetched and hands out at their due times. */
    private static final class Slots {
        long nextNanos;
        long intervalNanos;
        int remaining;
        /** Units not used by then are dropped: their slots have passed for the rest of the cluster too. */
        long expiresNanos;
        boolean fetching;
        /** When the last answer said "none before then". */
        long notBeforeNanos;
    }

    /** Calls made to Redis so far (for the report of Redis calls per message). */
    public long calls() {
        return calls.get();
    }

    @Override
    public long acquire(String key, Rate rate) {
        if (!redis.up()) {
            return fallback.acquire(key, share(rate));
        }
        Slots s = slots.computeIfAbsent(key, k -> new Slots());
        long now = System.nanoTime();
        synchronized (s) {
            if (s.remaining > 0 && now - s.expiresNanos > 0) {
                s.remaining = 0;
            }
            if (s.remaining > 0) {
                long wait = s.nextNanos - now;
                if (wait > 0) {
                    return wait;
                }
                s.remaining--;
                s.nextNanos = Math.max(s.nextNanos, now - s.intervalNanos) + s.intervalNanos;
                return 0;
            }
            if (now - s.notBeforeNanos < 0) {
                return s.notBeforeNanos - now;
            }
            if (!s.fetching) {
                s.fetching = true;
                fetch(key, rate, s);
            }
            return -IN_FLIGHT_WAIT_NANOS;
        }
    }

    private void fetch(String key, Rate rate, Slots s) {
        long interval = Math.max(1, rate.intervalNanos() / 1000);
        int want = (int) Math.max(1, Math.min(MAX_BATCH, LOOKAHEAD_MICROS / interval + 1));
        calls.incrementAndGet();
        redis.script(Scripts.GCRA, List.of("hermod:rate:" + key), List.of(Long.toString(interval),
                Long.toString(rate.toleranceNanos() / 1000), Long.toString(LOOKAHEAD_MICROS), Integer.toString(want)))
                .onComplete(ar -> {
                    long now = System.nanoTime();
                    synchronized (s) {
                        s.fetching = false;
                        if (ar.failed()) {
                            return; // the next acquire falls back (redis.up() is false now) or asks again
                        }
                        int units = ar.result().get(0).toInteger();
                        if (units == 0) {
                            s.notBeforeNanos = now + ar.result().get(1).toLong() * 1000;
                            return;
                        }
                        long offset = ar.result().get(2).toLong() * 1000;
                        s.intervalNanos = interval * 1000;
                        s.remaining = units;
                        s.nextNanos = now + Math.max(0, offset);
                        s.expiresNanos = s.nextNanos + units * s.intervalNanos + LOOKAHEAD_MICROS * 1000;
                    }
                });
    }

    /** The local share of {@code rate} while Redis is away: the same count over the period × live pods. */
    private Rate share(Rate rate) {
        int pods = redis.livePods();
        return pods <= 1 ? rate : new Rate(rate.count(), rate.period().multipliedBy(pods),
                Math.max(1, rate.burst() / pods));
    }

    @Override
    public void refund(String key, Rate rate) {
        if (!redis.up()) {
            fallback.refund(key, share(rate));
            return;
        }
        Slots s = slots.get(key);
        if (s != null) {
            synchronized (s) {
                // The unit just taken goes back to the front of what this pod holds.
                s.remaining++;
                s.nextNanos -= s.intervalNanos;
            }
        }
    }

    /** Forgets keys not used lately (their slots are spent or stale). */
    public void forgetIdle(Duration idle) {
        long now = System.nanoTime();
        slots.values().removeIf(s -> {
            synchronized (s) {
                return !s.fetching && s.remaining == 0 && now - s.notBeforeNanos > idle.toNanos();
            }
        });
        fallback.forgetIdle();
    }
}

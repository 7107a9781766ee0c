package io.hermod.shaping;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link Throttles} for one process, safe from any event loop: one theoretical arrival time per
 * key, updated with compare-and-set (a provider's throttle is shared by sites on several shards).
 */
public final class LocalThrottles implements Throttles {

    private final ConcurrentHashMap<String, AtomicLong> tats = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** @param nanoClock a monotonic clock in nanoseconds, never negative (see {@link #systemClock}) */
    public LocalThrottles(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /** {@link System#nanoTime} counted from the first call, so that it is never negative. */
    public static LongSupplier systemClock() {
        long origin = System.nanoTime() - 1;
        return () -> System.nanoTime() - origin;
    }

    @Override
    public long acquire(String key, Rate rate) {
        AtomicLong tat = tats.computeIfAbsent(key, k -> new AtomicLong());
        long interval = rate.intervalNanos();
        long tolerance = rate.toleranceNanos();
        while (true) {
            long now = clock.getAsLong();
            long current = tat.get();
            long next = Gcra.next(current, now, interval, tolerance);
            if (!Gcra.admitted(next)) {
                return -next;
            }
            if (tat.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    @Override
    public void refund(String key, Rate rate) {
        AtomicLong tat = tats.get(key);
        if (tat != null) {
            tat.addAndGet(-rate.intervalNanos());
        }
    }

    /** Keys not used for a while are forgotten: a TAT in the past is the same as none. */
    public void forgetIdle() {
        long now = clock.getAsLong();
        tats.values().removeIf(t -> t.get() < now);
    }
}

package io.hermod.delivery;

import io.hermod.shaping.Leases;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code delivery.max_connections_per_destination} and site backoff, kept by destination key and
 * safe from any thread: each destination's pool counts its connections here (the total is the
 * {@code hermod_outbound_connections} gauge), and a backoff outlives the pool, which is dropped
 * when idle. The place where cluster-wide leases (Redis) will plug in.
 */
public final class ConnectionBudget implements Leases {

    private final int maxPerDestination;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Backoff> backoffs = new ConcurrentHashMap<>();
    /**
     * Destinations whose server hung up on a message sent behind a final dot: until a restart they
     * get each message after the previous 250, whatever shaping's pipeline_after_data says. Kept
     * here, beside the backoffs, because it too outlives the pool and holds for every shard.
     */
    private final Set<String> hangsUpAfterEachMessage = ConcurrentHashMap.newKeySet();

    /** A destination's consecutive site failures and the end of its backoff. */
    private static final class Backoff {
        int failures;
        long untilMillis;
    }

    public ConnectionBudget(int maxPerDestination) {
        this.maxPerDestination = maxPerDestination;
    }

    public boolean tryAcquire(String destination) {
        return tryAcquire(destination, maxPerDestination);
    }

    @Override
    public boolean tryAcquire(String key, int limit, Runnable wake) {
        return tryAcquire(key, limit);
    }

    /** One more connection under {@code key}, unless {@code limit} are open already. */
    public boolean tryAcquire(String destination, int limit) {
        AtomicInteger count = open.computeIfAbsent(destination, d -> new AtomicInteger());
        while (true) {
            int current = count.get();
            if (current >= limit) {
                return false;
            }
            if (count.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release(String destination) {
        AtomicInteger count = open.get(destination);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /**
     * Records a site failure: the first one seen while the destination is not backed off escalates
     * the backoff; failures of connections that were already under way do not.
     */
    public void siteFailed(String destination, long nowMillis, Duration initial, Duration max) {
        Backoff b = backoffs.computeIfAbsent(destination, d -> new Backoff());
        synchronized (b) {
            if (nowMillis < b.untilMillis) {
                return;
            }
            b.failures++;
            b.untilMillis = nowMillis + Math.min(max.toMillis(), initial.toMillis() << Math.min(20, b.failures - 1));
        }
    }

    /** The destination answered: its failure count starts again. */
    public void siteAnswered(String destination) {
        backoffs.remove(destination);
    }

    /** Until when (epoch millis) the destination is backed off; 0 when it is not. */
    public long backoffUntil(String destination) {
        Backoff b = backoffs.get(destination);
        if (b == null) {
            return 0;
        }
        synchronized (b) {
            return b.untilMillis;
        }
    }

    /** Whether {@code destination}'s server was seen hanging up on a message sent behind a final dot. */
    public boolean hangsUpAfterEachMessage(String destination) {
        return hangsUpAfterEachMessage.contains(destination);
    }

    /** Records that {@code destination}'s server hangs up after each message; true the first time, from any shard. */
    public boolean markHangsUpAfterEachMessage(String destination) {
        return hangsUpAfterEachMessage.add(destination);
    }

    /** Connections open under {@code key}. */
    public int open(String key) {
        AtomicInteger count = open.get(key);
        return count == null ? 0 : count.get();
    }

    /** Connections open to every destination together. */
    public int total() {
        int total = 0;
        for (AtomicInteger count : open.values()) {
            total += count.get();
        }
        return total;
    }
}

package io.hermod.delivery;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code delivery.max_connections_per_destination} across every shard: each shard pools its own
 * connections, and this counter is the one thing they share, so that together they never open
 * more than the cap to one destination.
 */
public final class ConnectionBudget {

    private final int maxPerDestination;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public ConnectionBudget(int maxPerDestination) {
        this.maxPerDestination = maxPerDestination;
    }

    public boolean tryAcquire(String destination) {
        AtomicInteger count = open.computeIfAbsent(destination, d -> new AtomicInteger());
        while (true) {
            int current = count.get();
            if (current >= maxPerDestination) {
                return false;
            }
            if (count.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void release(String destination) {
        AtomicInteger count = open.get(destination);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Connections open to every destination together. */
    public int total() {
        int total = 0;
        for (AtomicInteger count : open.values()) {
            total += count.get();
        }
        return total;
    }

    public int open(String destination) {
        AtomicInteger count = open.get(destination);
        return count == null ? 0 : count.get();
    }
}

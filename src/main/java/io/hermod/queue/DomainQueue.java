package io.hermod.queue;

import io.hermod.delivery.Destination;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One recipient domain's queue state, owned by its shard. Due deliveries are either {@link #held}
 * here (while the next hop is looked up, or while the domain is suspended) or lent to the
 * domain's site ({@link #atSite}) until their attempt is settled.
 */
final class DomainQueue {

    final String domain;
    final ArrayDeque<Delivery> held = new ArrayDeque<>();
    final Set<Delivery> atSite = new HashSet<>();
    /** Where its mail goes; null until the first lookup succeeds. */
    Destination destination;
    long resolvedAtMillis;
    boolean resolving;
    boolean suspended;
    int scheduled;

    DomainQueue(String domain) {
        this.domain = domain;
    }

    /** Nothing waits, runs or is held here: the entry can go. */
    boolean isIdle() {
        return held.isEmpty() && atSite.isEmpty() && scheduled == 0 && !suspended && !resolving;
    }

    int inFlight() {
        int n = 0;
        for (Delivery d : atSite) {
            n += d.inFlight ? 1 : 0;
        }
        return n;
    }
}

package io.hermod.queue;

import java.util.ArrayDeque;

/** One recipient domain's deliveries that are due now, in arrival order. Owned by one shard. */
final class DomainQueue {

    final String domain;
    final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    /** The destination its mail goes to; null until the first lookup succeeds. */
    Site site;
    long resolvedAtMillis;
    boolean resolving;
    int inFlight;
    boolean suspended;
    int scheduled;
    /** Whether the queue sits in its destination pool's list of domains with work. */
    boolean listed;

    DomainQueue(String domain) {
        this.domain = domain;
    }

    /** Nothing waits, runs or is held here: the entry can go. */
    boolean isIdle() {
        return ready.isEmpty() && scheduled == 0 && inFlight == 0 && !suspended && !listed && !resolving;
    }
}

package io.hermod.queue;

import io.hermod.config.HostAndPort;
import java.util.ArrayDeque;

/** One recipient domain's deliveries that are due now, in arrival order. Owned by one shard. */
final class DomainQueue {

    final String domain;
    final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    /** Where its mail goes; null while no route is known. */
    HostAndPort destination;
    int inFlight;
    int scheduled;
    /** Whether the queue sits in its destination pool's list of domains with work. */
    boolean listed;

    DomainQueue(String domain) {
        this.domain = domain;
    }
}

package io.hermod.queue;

import io.hermod.delivery.DestinationPool;
import java.util.ArrayDeque;

/** A destination's connection pool in one shard, and the domains whose ready deliveries wait for it. */
final class Site {

    final DestinationPool pool;
    final ArrayDeque<DomainQueue> waiting = new ArrayDeque<>();
    /** Ready deliveries across the waiting domains. */
    int ready;

    Site(DestinationPool pool) {
        this.pool = pool;
    }

    /** The next delivery, taking domains in turn so that one busy domain does not starve the others. */
    Delivery next() {
        DomainQueue q = waiting.poll();
        if (q == null) {
            ready = 0; // cannot happen while the counts agree; never let a miscount throw on the event loop
            return null;
        }
        Delivery d = q.ready.poll();
        ready--;
        if (q.ready.isEmpty()) {
            q.listed = false;
        } else {
            waiting.add(q);
        }
        return d;
    }
}

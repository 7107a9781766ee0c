package io.hermod.queue;

import io.hermod.delivery.DestinationPool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One destination (an MX host set or a route) for the whole process: its connection pool and the
 * deliveries, from any shard's domains, waiting for one of its connections. Owned by one shard's
 * event loop (see {@link SiteDispatcher#ownerOf}) and touched only there.
 */
final class Site {

    final DestinationPool pool;
    private final Map<String, ArrayDeque<Delivery>> byDomain = new HashMap<>();
    /** Domains with waiting deliveries, taken in turn so that one busy domain does not starve the others. */
    private final ArrayDeque<String> turn = new ArrayDeque<>();
    private int ready;
    int inFlight;
    /** The end of the backoff period last logged, so that a backed-off site logs once per period. */
    long loggedBackoffUntil;

    Site(DestinationPool pool) {
        this.pool = pool;
    }

    void add(Delivery d) {
        ArrayDeque<Delivery> q = byDomain.get(d.domain);
        if (q == null) {
            q = new ArrayDeque<>();
            byDomain.put(d.domain, q);
            turn.add(d.domain);
        }
        q.add(d);
        ready++;
    }

    int ready() {
        return ready;
    }

    /** The next waiting delivery, domains in turn; null when none waits. */
    Delivery next() {
        String domain = turn.poll();
        if (domain == null) {
            return null;
        }
        ArrayDeque<Delivery> q = byDomain.get(domain);
        Delivery d = q.poll();
        ready--;
        if (q.isEmpty()) {
            byDomain.remove(domain);
        } else {
            turn.add(domain);
        }
        return d;
    }

    /** Takes back the waiting deliveries of one domain (suspended by an operator). */
    List<Delivery> withdraw(String domain) {
        ArrayDeque<Delivery> q = byDomain.remove(domain);
        if (q == null) {
            return List.of();
        }
        turn.remove(domain);
        ready -= q.size();
        return new ArrayList<>(q);
    }

    /** Takes back every waiting delivery (the site failed as a whole). */
    List<Delivery> withdrawAll() {
        List<Delivery> all = new ArrayList<>(ready);
        byDomain.values().forEach(all::addAll);
        byDomain.clear();
        turn.clear();
        ready = 0;
        return all;
    }

    boolean isIdle(long nowMillis) {
        return ready == 0 && inFlight == 0 && pool.openConnections() == 0 && pool.backoffUntilMillis() <= nowMillis;
    }
}

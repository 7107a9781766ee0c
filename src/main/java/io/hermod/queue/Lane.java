package io.hermod.queue;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.TlsPolicy;
import io.hermod.shaping.Shaping;
import java.time.Duration;
import io.hermod.delivery.Outcome;
import io.hermod.shaping.AutomationRule;
import io.hermod.shaping.AutomationState;
import io.hermod.shaping.SiteShaping;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One site × source for the whole process: its connection pool, the deliveries (from any shard's
 * domains) waiting for one of its connections, and its shaping state — the values in force, an
 * automation rule's overrides, a suspension or a bounce. Owned by the site's event loop (see
 * {@link SiteDispatcher#ownerOf}) and touched only there.
 */
final class Lane {

    final Site site;
    final String source;
    /** {@code site key|source}: the key of the pool, its backoff, connection leases and message throttle. */
    final String key;
    DestinationPool pool;
    final AutomationState automation = new AutomationState();
    /** The values in force: the shaping file's, with {@link #override} on top while it lasts. */
    SiteShaping shaping;
    int shapingGeneration = -1;
    /** An automation rule's {@code set}, in force until {@link #overrideUntil}; null when none. */
    AutomationRule override;
    long overrideUntil;
    /** No delivery starts before this (automation, an operator, a source that cannot be bound). */
    long suspendedUntil;
    String suspendedWhy;
    /** Mail for this lane bounces with {@link #bounceWith} until this. */
    long bounceUntil;
    Outcome bounceWith;
    /** Deliveries started, and the rate at the last {@link #measureRate}. */
    long started;
    double messageRate;
    private long startedAtLastMeasure;
    private long lastMeasureMillis;
    /** The pending timer that pumps again when a throttle allows, or -1. */
    long pumpTimer = -1;
    private final Map<String, ArrayDeque<Delivery>> byDomain = new HashMap<>();
    /** Domains with waiting deliveries, taken in turn so that one busy domain does not starve the others. */
    private final ArrayDeque<String> turn = new ArrayDeque<>();
    private int ready;
    int inFlight;
    /** The end of the backoff period last logged, so that a backed-off site logs once per period. */
    long loggedBackoffUntil;

    Lane(Site site, String source) {
        this.site = site;
        this.source = source;
        this.key = site.key + "|" + source;
    }

    /** Deliveries started per second since the last call (once a second, from the dispatcher's tick). */
    void measureRate(long nowMillis) {
        if (lastMeasureMillis > 0 && nowMillis > lastMeasureMillis) {
            messageRate = (started - startedAtLastMeasure) * 1000.0 / (nowMillis - lastMeasureMillis);
        }
        startedAtLastMeasure = started;
        lastMeasureMillis = nowMillis;
    }

    /** The values for this lane: the site's resolution, with an automation override on top while it lasts. */
    SiteShaping resolve(Shaping shaping, long nowMillis) {
        SiteShaping resolved = shaping.resolve(site.ownDomain, site.provider, source);
        if (override != null && overrideUntil > nowMillis) {
            resolved = resolved.with(((AutomationRule.Set) override.action()).values(), "automation " + override.name());
        }
        return resolved;
    }

    /**
     * Gives the pool the values in force: deliveries per connection, TLS, and the connect and
     * end-of-data timeouts, unless the process runs with shorter ones ({@code base}: tests cap every step).
     */
    void configurePool(ClientTimeouts base) {
        SiteShaping v = shaping;
        ClientTimeouts timeouts = base.with(ClientStep.CONNECT, min(base.of(ClientStep.CONNECT), v.connectTimeout()))
                .with(ClientStep.END_OF_DATA, min(base.of(ClientStep.END_OF_DATA), v.dataTimeout()));
        TlsPolicy.Mode tls = switch (v.enableTls()) {
            case OPPORTUNISTIC -> TlsPolicy.Mode.OPPORTUNISTIC;
            case REQUIRED -> TlsPolicy.Mode.REQUIRED;
            case DISABLED -> TlsPolicy.Mode.NONE;
        };
        pool.configure(v.maxDeliveriesPerConnection(), timeouts, tls, site.name());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** What the API shows of this lane. */
    SiteView.LaneView view(long now) {
        return new SiteView.LaneView(source, shaping.describe(), pool.openConnections(), ready, inFlight, messageRate,
                suspended(now) ? suspendedUntil : 0, suspended(now) ? suspendedWhy : null,
                override != null && overrideUntil > now ? override.name() : null, bouncing(now) ? bounceUntil : 0,
                pool.backoffUntilMillis() > now ? pool.backoffUntilMillis() : 0);
    }

    boolean suspended(long nowMillis) {
        return suspendedUntil > nowMillis;
    }

    boolean bouncing(long nowMillis) {
        return bounceUntil > nowMillis;
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
        return ready == 0 && inFlight == 0 && pool.openConnections() == 0 && pool.backoffUntilMillis() <= nowMillis
                && suspendedUntil <= nowMillis && bounceUntil <= nowMillis && overrideUntil <= nowMillis
                && pumpTimer < 0;
    }
}

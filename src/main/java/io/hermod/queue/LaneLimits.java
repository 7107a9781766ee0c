package io.hermod.queue;

import io.hermod.delivery.ConnectionGate;
import io.hermod.shaping.ProviderLimits;
import io.hermod.shaping.Rate;
import java.util.ArrayList;
import java.util.List;

/**
 * What a lane asks before a delivery or a connection starts: a message-rate token of its
 * site × source and of its provider × source, and for a connection a connection-rate token and a
 * lease under both connection limits. The throttles and leases are the process's or the cluster's
 * ({@link SiteServices}); a provider's limits are shared by all its sites.
 */
final class LaneLimits {

    /**
     * Told when a lane must wait: {@code waitNanos} is how long a limit holds it back; negative, how
     * long until a shared throttle's answer is there (not a limit); 0 when a lease wakes it itself.
     */
    interface Held {
        void throttled(Lane lane, String limit, long waitNanos);
    }

    private final SiteServices s;
    private final Held held;

    LaneLimits(SiteServices services, Held held) {
        this.s = services;
        this.held = held;
    }

    /**
     * 0 when the site × source (and its provider × source) may send a message now, else nanoseconds
     * to wait (negative: no limit, the cluster's answer is on its way; see {@link io.hermod.shaping.Throttles}).
     */
    long takeMessageToken(Lane lane) {
        Rate rate = lane.shaping.maxMessageRate();
        if (rate != null) {
            long wait = s.throttles().acquire(lane.key, rate);
            if (wait != 0) {
                return wait;
            }
        }
        Site site = lane.site;
        if (site.provider != null) {
            Rate providerRate = site.providerLimits(s.shaping().current(), lane.source).messageRate();
            if (providerRate != null) {
                long wait = s.throttles().acquire(providerKey(lane), providerRate);
                if (wait != 0) {
                    refund(lane.key, rate);
                    return wait;
                }
            }
        }
        return 0;
    }

    /** Gives back a token {@link #takeMessageToken} took for a delivery that did not start. */
    void refundMessageToken(Lane lane) {
        refund(lane.key, lane.shaping.maxMessageRate());
        Site site = lane.site;
        if (site.provider != null) {
            refund(providerKey(lane), site.providerLimits(s.shaping().current(), lane.source).messageRate());
        }
    }

    /**
     * The connection limit and rate of a site × source, and of its provider × source. A shared
     * lease that Redis has not answered yet runs {@code wake} when it has.
     */
    ConnectionGate gate(Lane lane, Runnable wake) {
        boolean sharedLeases = s.leases() != s.budget();
        return new ConnectionGate() {
            /** The provider lease of each open connection ("" for none), in opening order. */
            private final List<String> providerLeases = new ArrayList<>(2);

            @Override
            public boolean tryOpen() {
                Site site = lane.site;
                Rate rate = lane.shaping.maxConnectionRate();
                String connectKey = lane.key + "#connect";
                if (rate != null) {
                    long wait = s.throttles().acquire(connectKey, rate);
                    if (wait != 0) {
                        held.throttled(lane, "connection_rate", wait);
                        return false;
                    }
                }
                if (!s.leases().tryAcquire(lane.key, lane.shaping.connectionLimit(), wake)) {
                    refund(connectKey, rate);
                    held.throttled(lane, "connection_limit", 0);
                    return false;
                }
                String pkey = "";
                ProviderLimits provider = site.provider == null ? ProviderLimits.NONE
                        : site.providerLimits(s.shaping().current(), lane.source);
                if (provider.connectionRate() != null) {
                    long wait = s.throttles().acquire(providerKey(lane) + "#connect", provider.connectionRate());
                    if (wait != 0) {
                        s.leases().release(lane.key);
                        refund(connectKey, rate);
                        held.throttled(lane, "connection_rate", wait);
                        return false;
                    }
                }
                if (provider.connectionLimit() != null) {
                    pkey = providerKey(lane);
                    if (!s.providerLeases().tryAcquire(pkey, provider.connectionLimit(), wake)) {
                        s.leases().release(lane.key);
                        refund(connectKey, rate);
                        refund(providerKey(lane) + "#connect", provider.connectionRate());
                        held.throttled(lane, "connection_limit", 0);
                        return false;
                    }
                }
                if (sharedLeases) {
                    s.budget().tryAcquire(lane.key, Integer.MAX_VALUE); // this process's count, for the gauge
                }
                synchronized (providerLeases) {
                    providerLeases.add(pkey);
                }
                return true;
            }

            @Override
            public void closed() {
                s.leases().release(lane.key);
                if (sharedLeases) {
                    s.budget().release(lane.key);
                }
                String pkey;
                synchronized (providerLeases) {
                    pkey = providerLeases.isEmpty() ? "" : providerLeases.remove(providerLeases.size() - 1);
                }
                if (!pkey.isEmpty()) {
                    s.providerLeases().release(pkey);
                }
            }
        };
    }

    private static String providerKey(Lane lane) {
        return "provider:" + lane.site.provider + "|" + lane.source;
    }

    private void refund(String key, Rate rate) {
        if (rate != null) {
            s.throttles().refund(key, rate);
        }
    }
}

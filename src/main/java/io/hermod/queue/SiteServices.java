package io.hermod.queue;

import io.hermod.delivery.BodySource;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.delivery.ConnectionGate;
import io.hermod.delivery.Destination;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.Egress;
import io.hermod.delivery.ReturnPath;
import io.hermod.shaping.AutomationRule;
import io.hermod.shaping.Leases;
import io.hermod.shaping.ShapingStore;
import io.hermod.shaping.Source;
import io.hermod.shaping.Throttles;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What a shard's {@link SiteDispatcher} works with: the shaping in force, the throttles and
 * connection leases (shared by all shards: a provider's limits span sites on several shards),
 * how pools and bodies are made, and whom it tells about shaping.
 *
 * @param timeouts       the process's timeouts, which shaping may shorten but not lengthen
 * @param budget         connections open per site × source in this process (its total is
 *                       {@code hermod_outbound_connections}) and each one's backoff
 * @param leases         the connection limit per site × source (this process's budget, or shared)
 * @param providerLeases the connection limit per provider × source
 * @param unbindable     sources whose address could not be bound, to the time they are tried again
 * @param onLoop         runs a task on the dispatcher's event loop, from any thread
 * @param sharing        tells the other pods of suspensions and automation actions
 * @param returnPath     the MAIL FROM of each transaction (the sender, or a VERP address)
 */
record SiteServices(Clock clock, ShapingStore shaping, Throttles throttles, ClientTimeouts timeouts,
                    ConnectionBudget budget, Leases leases, Leases providerLeases, PoolFactory pools, Function<Delivery, BodySource> bodies,
                    MessageLedger ledger, RetryPolicy retry, Timers timers, ShapingObserver observer,
                    ConcurrentHashMap<String, Long> unbindable, Executor onLoop,
                    SiteAction.Sharing sharing, ReturnPath returnPath) {

    /** Makes the pool of one site × source: the source's clients and EHLO name. */
    interface PoolFactory {
        DestinationPool create(String key, Destination destination, Source source, ConnectionGate gate);

        /** The clients and EHLO name of {@code source} (after a reload changed its address or name). */
        Egress egress(Source source);
    }

    /** One-shot timers on the dispatcher's event loop. */
    interface Timers {
        long after(long delayMillis, Runnable task);
    }

    /** Events and meters of shaping. */
    interface ShapingObserver {
        /** A delivery or connection held back: {@code limit} is message_rate, connection_rate or connection_limit. */
        void throttled(String provider, String source, String limit);

        /** A rule applied to a site × source until {@code untilMillis}, set off by {@code reply}. */
        void automation(String site, String provider, String source, AutomationRule rule, String reply,
                        long untilMillis);

        ShapingObserver NONE = new ShapingObserver() {
            @Override
            public void throttled(String provider, String source, String limit) {
            }

            @Override
            public void automation(String site, String provider, String source, AutomationRule rule, String reply,
                                   long untilMillis) {
            }
        };
    }
}

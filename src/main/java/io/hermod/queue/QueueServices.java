package io.hermod.queue;

import io.hermod.bounce.Classifier;
import io.hermod.config.HermodConfig;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.eventlog.EventSink;
import io.hermod.metrics.HermodMetrics;
import io.hermod.shaping.Leases;
import io.hermod.shaping.LocalThrottles;
import io.hermod.shaping.ShapingStore;
import io.hermod.shaping.Throttles;
import io.hermod.spool.Spool;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every shard shares: configuration, the spool, the few thread-safe services above the shards,
 * and the shards themselves (filled as they deploy), so that each can reach a domain's or a site's owner.
 */
record QueueServices(HermodConfig config, Spool spool, MessageLedger ledger, ConnectionBudget budget,
                     ClientTimeouts timeouts, NextHop nextHop, BounceReporter bounces, HermodMetrics metrics,
                     EventSink events, Classifier classifier, List<QueueShardVerticle> shards, Shared shared) {

    /**
     * Shaping state every shard shares: the file in force, throttles, leases (null: the process's
     * own {@code budget}), provider leases, unbindable sources.
     */
    record Shared(ShapingStore shaping, Throttles throttles, Leases leases, Leases providerLeases,
                  ConcurrentHashMap<String, Long> unbindable, SiteAction.Sharing sharing) {

        /** One process, its limits its own. */
        public static Shared local(ShapingStore shaping) {
            return new Shared(shaping, new LocalThrottles(LocalThrottles.systemClock()),
                    null, new ConnectionBudget(Integer.MAX_VALUE), new ConcurrentHashMap<>(),
                    SiteAction.Sharing.NONE);
        }
    }
}

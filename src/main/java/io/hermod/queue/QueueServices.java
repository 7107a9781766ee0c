package io.hermod.queue;

import io.hermod.config.HermodConfig;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.eventlog.EventSink;
import io.hermod.metrics.HermodMetrics;
import io.hermod.spool.Spool;

/** What every shard shares: configuration, the spool, and the few thread-safe services above the shards. */
record QueueServices(HermodConfig config, Spool spool, MessageLedger ledger, ConnectionBudget budget,
                     ClientTimeouts timeouts, NextHop nextHop, BounceReporter bounces, HermodMetrics metrics,
                     EventSink events) {
}

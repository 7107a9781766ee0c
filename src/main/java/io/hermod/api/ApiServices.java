package io.hermod.api;

import io.hermod.cluster.handoff.HandoffControl;
import io.hermod.config.HermodConfig;
import io.hermod.dkim.Signing;
import io.hermod.eventlog.EventSink;
import io.hermod.queue.MessageQueue;
import io.hermod.queue.QueueAdmin;
import io.hermod.queue.SiteAdmin;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.Spool;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * What the HTTP API works with.
 *
 * @param metrics serves {@code GET /metrics} (Prometheus text); null when metrics are off
 * @param ready   readiness: spool open, listeners bound, not draining
 * @param sites   sites and shaping ({@code /api/v1/sites}, {@code /api/v1/shaping}); null when the
 *                queue has none (tests of other routes)
 * @param memory  the process's budget for mail in progress, shared with SMTP intake
 * @param handoff the queue hand-off ({@code /api/v1/admin/handoff}, {@code /api/v1/admin/transfer});
 *                null when there is none (tests of other routes)
 */
public record ApiServices(HermodConfig config, Spool spool, MessageQueue queue, QueueAdmin admin, EventSink events,
                          Handler<RoutingContext> metrics, BooleanSupplier ready, Signing signing, SiteAdmin sites,
                          MemoryBudget memory, HandoffControl handoff) {

    /** Services without the queue hand-off ({@code /api/v1/admin/*} answer 404). */
    public ApiServices(HermodConfig config, Spool spool, MessageQueue queue, QueueAdmin admin, EventSink events,
                       Handler<RoutingContext> metrics, BooleanSupplier ready, Signing signing, SiteAdmin sites) {
        this(config, spool, queue, admin, events, metrics, ready, signing, sites,
                new MemoryBudget(config.smtp().maxBufferedBytes()), null);
    }

    /** Services that sign nothing, with a budget of their own of {@code smtp.max_buffered_bytes}. */
    public ApiServices(HermodConfig config, Spool spool, MessageQueue queue, QueueAdmin admin, EventSink events,
                       Handler<RoutingContext> metrics, BooleanSupplier ready) {
        this(config, spool, queue, admin, events, metrics, ready, Signing.NONE);
    }

    public ApiServices(HermodConfig config, Spool spool, MessageQueue queue, QueueAdmin admin, EventSink events,
                       Handler<RoutingContext> metrics, BooleanSupplier ready, Signing signing) {
        this(config, spool, queue, admin, events, metrics, ready, signing, null,
                new MemoryBudget(config.smtp().maxBufferedBytes()), null);
    }
}

package io.hermod.api;

import io.hermod.eventlog.EventSink;
import io.hermod.queue.QueueAdmin;
import io.hermod.smtp.AddressSyntax;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code GET /api/v1/queues} (per domain: ready, scheduled, in flight, suspended, oldest age; and
 * totals) and {@code POST /api/v1/queues/{domain}/suspend|resume|flush|bounce}. Each action is written to
 * the event log as an AdminAction once the queue has carried it out.
 */
final class QueueRoutes {

    private static final System.Logger LOG = System.getLogger(QueueRoutes.class.getName());

    private final Vertx vertx;
    private final QueueAdmin admin;
    private final EventSink events;

    QueueRoutes(Vertx vertx, QueueAdmin admin, EventSink events) {
        this.vertx = vertx;
        this.admin = admin;
        this.events = events;
    }

    /** @param wholeRequest reads the request to its end (and drops a body) before a call acts */
    void mount(Router router, Handler<RoutingContext> wholeRequest) {
        router.get("/api/v1/queues").handler(wholeRequest).handler(this::snapshot);
        router.post("/api/v1/queues/:domain/suspend").handler(wholeRequest)
                .handler(ctx -> act(ctx, "suspend", d -> admin.suspend(d).map(v -> new JsonObject())));
        router.post("/api/v1/queues/:domain/resume").handler(wholeRequest)
                .handler(ctx -> act(ctx, "resume", d -> admin.resume(d).map(v -> new JsonObject())));
        router.post("/api/v1/queues/:domain/flush").handler(wholeRequest)
                .handler(ctx -> act(ctx, "flush", d -> admin.flush(d).map(n -> new JsonObject().put("flushed", n))));
        router.post("/api/v1/queues/:domain/bounce").handler(wholeRequest)
                .handler(ctx -> act(ctx, "bounce", d -> admin.bounce(d).map(n -> new JsonObject().put("bounced", n))));
    }

    private void snapshot(RoutingContext ctx) {
        onThisContext(admin.snapshot()).onComplete(result -> {
            if (result.failed()) {
                unavailable(ctx, "snapshot", result.cause());
                return;
            }
            QueueAdmin.QueueSnapshot s = result.result();
            JsonArray domains = new JsonArray();
            for (QueueAdmin.DomainStats d : s.domains()) {
                domains.add(new JsonObject()
                        .put("domain", d.domain())
                        .put("ready", d.ready())
                        .put("scheduled", d.scheduled())
                        .put("in_flight", d.inFlight())
                        .put("suspended", d.suspended())
                        .put("oldest_age_seconds", d.oldestAgeMillis() / 1000));
            }
            JsonObject totals = new JsonObject()
                    .put("ready", s.ready())
                    .put("scheduled", s.scheduled())
                    .put("in_flight", s.inFlight())
                    .put("messages", s.messages());
            JsonResponse.send(ctx, 200, new JsonObject().put("recovered", s.recovered()).put("domains", domains)
                    .put("totals", totals));
        });
    }

    private void act(RoutingContext ctx, String action, Function<String, Future<JsonObject>> operation) {
        String domain;
        try {
            domain = domain(ctx.pathParam("domain"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        onThisContext(operation.apply(domain)).onComplete(result -> {
            if (result.failed()) {
                unavailable(ctx, action + " " + domain, result.cause());
                return;
            }
            events.append(ApiEvents.adminAction(null, action + " " + domain, System.currentTimeMillis()));
            JsonResponse.send(ctx, 200, new JsonObject().put("domain", domain).put("action", action)
                    .mergeIn(result.result()));
        });
    }

    /** The queue key of a domain: lower case, a domain name (U-labels allowed) or an address literal. */
    static String domain(String raw) {
        String domain = raw == null ? "" : raw.toLowerCase(Locale.ROOT);
        if (!AddressSyntax.isDomain(domain, true) && !AddressSyntax.isAddressLiteral(domain)) {
            throw ApiException.badRequest("domain: not a domain name or address literal: \""
                    + (domain.length() > 80 ? domain.substring(0, 80) + "..." : domain) + "\"");
        }
        return domain;
    }

    /** Queue futures complete on a shard's event loop; answer from the request's own. */
    private <T> Future<T> onThisContext(Future<T> future) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(future.toCompletionStage(), context);
    }

    private static void unavailable(RoutingContext ctx, String what, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "api: queue " + what + " failed: " + cause.getMessage());
        JsonResponse.error(ctx, 503, "queue: " + what + " failed: " + cause.getMessage());
    }
}

package io.hermod.api;

import io.hermod.config.Durations;
import io.hermod.eventlog.EventSink;
import io.hermod.queue.SiteAdmin;
import io.hermod.queue.SiteView;
import io.hermod.shaping.Source;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /api/v1/sites} (each site: MX hosts, provider, the domains it carried lately, and per source the shaping in force,
 * connections, waiting mail, message rate, suspension and why), {@code POST
 * /api/v1/sites/{site}/suspend|resume} ({@code ?source=S}, {@code ?duration=1h}; a site by key, by
 * name, or by one of its domains, so that it can be suspended before any mail for it), and {@code GET
 * /api/v1/shaping?domain=D&source=S} (the values mail to D from S gets, each with the block it came
 * from). A site is named by its key or, when only one site has it, its name.
 */
final class SiteRoutes {

    private static final System.Logger LOG = System.getLogger(SiteRoutes.class.getName());
    /** How long an operator's suspension lasts when the request names no duration. */
    static final Duration DEFAULT_SUSPENSION = Duration.ofHours(1);

    private final Vertx vertx;
    private final SiteAdmin admin;
    private final EventSink events;

    SiteRoutes(Vertx vertx, SiteAdmin admin, EventSink events) {
        this.vertx = vertx;
        this.admin = admin;
        this.events = events;
    }

    void mount(Router router, Handler<RoutingContext> wholeRequest) {
        router.get("/api/v1/sites").handler(wholeRequest).handler(this::list);
        router.post("/api/v1/sites/:site/suspend").handler(wholeRequest).handler(this::suspend);
        router.post("/api/v1/sites/:site/resume").handler(wholeRequest).handler(this::resume);
        router.get("/api/v1/shaping").handler(wholeRequest).handler(this::shaping);
    }

    private void list(RoutingContext ctx) {
        here(admin.sites()).onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, "sites", ar.cause());
                return;
            }
            JsonArray sites = new JsonArray();
            for (SiteView v : ar.result()) {
                JsonArray sources = new JsonArray();
                for (SiteView.LaneView l : v.sources()) {
                    JsonObject lane = new JsonObject()
                            .put("source", l.source())
                            .put("connections", l.connections())
                            .put("ready", l.ready())
                            .put("in_flight", l.inFlight())
                            .put("message_rate", l.messageRate())
                            .put("suspended_until", time(l.suspendedUntil()))
                            .put("suspended_why", l.suspendedWhy())
                            .put("automation", l.automation())
                            .put("bouncing_until", time(l.bouncingUntil()))
                            .put("backed_off_until", time(l.backedOffUntil()))
                            .put("shaping", shaping(l.shaping()));
                    sources.add(lane);
                }
                sites.add(new JsonObject()
                        .put("site", v.key())
                        .put("name", v.name())
                        .put("provider", v.provider())
                        .put("mx_hosts", new JsonArray(v.mxHosts()))
                        .put("domain", v.ownDomain())
                        .put("domains", new JsonArray(v.domains()))
                        .put("sources", sources));
            }
            JsonResponse.send(ctx, 200, new JsonObject().put("sites", sites));
        });
    }

    private void suspend(RoutingContext ctx) {
        String site = ctx.pathParam("site");
        String source;
        Duration duration;
        try {
            source = source(ctx.request().getParam("source"));
            duration = duration(ctx.request().getParam("duration"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        long until = System.currentTimeMillis() + duration.toMillis();
        String why = "suspended by an operator through the API";
        here(admin.suspendSite(site, source, until, why)).onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, "suspend " + site, ar.cause());
            } else if (ar.result() == null) {
                JsonResponse.error(ctx, 404, "site: no site " + quoted(site) + " (see GET /api/v1/sites)");
            } else {
                events.append(ApiEvents.adminAction(null, "suspend site " + ar.result()
                        + (source == null ? "" : " source " + source) + " for " + Durations.format(duration),
                        System.currentTimeMillis()));
                JsonResponse.send(ctx, 200, new JsonObject().put("site", ar.result()).put("action", "suspend")
                        .put("source", source).put("until", time(until)));
            }
        });
    }

    private void resume(RoutingContext ctx) {
        String site = ctx.pathParam("site");
        String source;
        try {
            source = source(ctx.request().getParam("source"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        here(admin.resumeSite(site, source)).onComplete(ar -> {
            if (ar.failed()) {
                unavailable(ctx, "resume " + site, ar.cause());
            } else if (ar.result() == null) {
                JsonResponse.error(ctx, 404, "site: no site " + quoted(site) + " (see GET /api/v1/sites)");
            } else {
                events.append(ApiEvents.adminAction(null, "resume site " + ar.result()
                        + (source == null ? "" : " source " + source), System.currentTimeMillis()));
                JsonResponse.send(ctx, 200, new JsonObject().put("site", ar.result()).put("action", "resume")
                        .put("source", source));
            }
        });
    }

    private void shaping(RoutingContext ctx) {
        String domain;
        String source;
        try {
            String raw = ctx.request().getParam("domain");
            if (raw == null || raw.isEmpty()) {
                throw ApiException.badRequest("domain: missing (GET /api/v1/shaping?domain=example.com&source=S)");
            }
            domain = QueueRoutes.domain(raw);
            source = source(ctx.request().getParam("source"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        here(admin.shapingFor(domain, source == null ? Source.DEFAULT_NAME : source)).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof IllegalArgumentException) {
                    JsonResponse.error(ctx, 422, ar.cause().getMessage());
                } else {
                    unavailable(ctx, "shaping " + domain, ar.cause());
                }
                return;
            }
            SiteAdmin.Effective e = ar.result();
            JsonResponse.send(ctx, 200, new JsonObject()
                    .put("domain", e.domain())
                    .put("source", e.source())
                    .put("site", e.siteKey())
                    .put("provider", e.provider())
                    .put("mx_hosts", new JsonArray(e.mxHosts()))
                    .put("shaping", shaping(e.shaping().describe())));
        });
    }

    private static JsonObject shaping(Map<String, Map<String, String>> described) {
        JsonObject o = new JsonObject();
        described.forEach((key, entry) -> o.put(key, new JsonObject().put("value", entry.get("value"))
                .put("from", entry.get("from"))));
        return o;
    }

    private String source(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!raw.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw ApiException.badRequest("source: not a source name: " + quoted(raw));
        }
        if (!admin.knowsSource(raw)) {
            throw new ApiException(422, "source: no source " + quoted(raw) + " in the shaping file");
        }
        return raw;
    }

    private static Duration duration(String raw) {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_SUSPENSION;
        }
        Duration d;
        try {
            d = Durations.parse(raw);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("duration: not a duration: " + quoted(raw) + " (e.g. 30m, 2h)");
        }
        if (d.isZero() || d.compareTo(Duration.ofDays(30)) > 0) {
            throw ApiException.badRequest("duration: must be between 1s and 30d, got " + quoted(raw));
        }
        return d;
    }

    private static String time(long millis) {
        return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static String quoted(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "\"" + shown + "\"";
    }

    private <T> Future<T> here(Future<T> future) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(future.toCompletionStage(), context);
    }

    private static void unavailable(RoutingContext ctx, String what, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "api: " + what + " failed: " + cause.getMessage());
        JsonResponse.error(ctx, 503, "sites: " + what + " failed: " + cause.getMessage());
    }
}

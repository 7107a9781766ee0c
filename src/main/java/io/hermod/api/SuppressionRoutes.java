package io.hermod.api;

import io.hermod.eventlog.EventSink;
import io.hermod.smtp.AddressSyntax;
import io.hermod.spool.Suppression;
import io.hermod.spool.Suppressions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The suppression list: {@code GET /api/v1/suppressions?after=&limit=} (a page of entries in key
 * order, and the {@code next} cursor to pass as {@code after}), and
 * {@code GET|PUT|DELETE /api/v1/suppressions/{address}} for one entry, global unless
 * {@code ?scope=<sender domain>} names the domain it holds for; bulk export and import as JSON
 * lines are {@link SuppressionTransfer}'s. PUT adds a {@code manual} entry
 * that never expires; PUT and DELETE are logged as AdminAction events. The list is served whether
 * or not {@code suppression.enabled}, so it can be filled before it is switched on.
 *
 * <p>Reads are RocksDB iterators and point gets, run on a worker; writes are durable before the answer.
 */
final class SuppressionRoutes {

    private static final System.Logger LOG = System.getLogger(SuppressionRoutes.class.getName());
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Vertx vertx;
    private final Suppressions list;
    private final EventSink events;

    SuppressionRoutes(Vertx vertx, Suppressions list, EventSink events) {
        this.vertx = vertx;
        this.list = list;
        this.events = events;
    }

    void mount(Router router, Handler<RoutingContext> wholeRequest) {
        SuppressionTransfer transfer = new SuppressionTransfer(vertx, list, events);
        // Before the {address} routes, which would take "export" and "import" for addresses.
        router.get("/api/v1/suppressions/export").handler(wholeRequest).handler(transfer::export);
        router.post("/api/v1/suppressions/import")
                .handler(BodyHandler.create(false).setBodyLimit(SuppressionTransfer.IMPORT_LIMIT))
                .handler(transfer::importLines);
        router.get("/api/v1/suppressions").handler(wholeRequest).handler(this::page);
        router.get("/api/v1/suppressions/:address").handler(wholeRequest).handler(this::lookup);
        router.put("/api/v1/suppressions/:address").handler(wholeRequest).handler(this::add);
        router.delete("/api/v1/suppressions/:address").handler(wholeRequest).handler(this::remove);
    }

    private void page(RoutingContext ctx) {
        String after = ctx.request().getParam("after");
        int limit;
        String[] cursor;
        try {
            limit = limit(ctx.request().getParam("limit"));
            cursor = after == null || after.isEmpty() ? null : cursor(after);
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        blocking(ctx, () -> cursor == null ? list.page(null, null, limit, now())
                : list.page(cursor[0], cursor[1], limit, now())).onSuccess(entries -> {
                    JsonArray out = new JsonArray();
                    entries.forEach(e -> out.add(json(e)));
                    JsonObject answer = new JsonObject().put("entries", out);
                    // A full page may have more after it; the next call says so with an empty one.
                    answer.put("next", entries.size() < limit ? null : cursorOf(entries.get(entries.size() - 1)));
                    JsonResponse.send(ctx, 200, answer);
                });
    }

    private void lookup(RoutingContext ctx) {
        Key key = key(ctx);
        if (key == null) {
            return;
        }
        blocking(ctx, () -> list.lookup(key.scope, key.address, now())).onSuccess(found -> {
            if (found.isEmpty()) {
                notFound(ctx, key);
            } else {
                JsonResponse.send(ctx, 200, json(found.get()));
            }
        });
    }

    private void add(RoutingContext ctx) {
        Key key = key(ctx);
        if (key == null) {
            return;
        }
        Suppression entry = new Suppression(key.scope, key.address, Suppression.MANUAL, now(), 0);
        Context context = vertx.getOrCreateContext();
        Future.fromCompletionStage(list.add(entry), context).onComplete(result -> {
            if (result.failed()) {
                unavailable(ctx, "add", result.cause());
                return;
            }
            events.append(ApiEvents.adminAction(null, "suppress " + describe(key), now()));
            JsonResponse.send(ctx, 200, json(entry));
        });
    }

    private void remove(RoutingContext ctx) {
        Key key = key(ctx);
        if (key == null) {
            return;
        }
        Context context = vertx.getOrCreateContext();
        blocking(ctx, () -> list.lookup(key.scope, key.address, now())).onSuccess(found -> {
            if (found.isEmpty()) {
                notFound(ctx, key);
                return;
            }
            Future.fromCompletionStage(list.remove(key.scope, key.address), context).onComplete(result -> {
                if (result.failed()) {
                    unavailable(ctx, "remove", result.cause());
                    return;
                }
                events.append(ApiEvents.adminAction(null, "unsuppress " + describe(key), now()));
                JsonResponse.send(ctx, 200, json(found.get()).put("removed", true));
            });
        });
    }

    private record Key(String scope, String address) {
    }

    /** The entry's key from the path and {@code ?scope=}; null after answering 400. */
    private static Key key(RoutingContext ctx) {
        try {
            String scope = ctx.request().getParam("scope");
            return new Key(scope == null || scope.isEmpty() ? Suppression.GLOBAL : domain(scope),
                    address(ctx.pathParam("address")));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return null;
        }
    }

    static String address(String raw) {
        String address = raw == null ? "" : raw;
        int at = address.lastIndexOf('@');
        if (at <= 0 || !AddressSyntax.isLocalPart(address.substring(0, at))
                || !AddressSyntax.isDomain(address.substring(at + 1), true)) {
            throw ApiException.badRequest("address: not a mailbox (local-part@domain): \"" + shorten(address) + "\"");
        }
        return address.toLowerCase(Locale.ROOT);
    }

    static String domain(String raw) {
        String domain = raw.toLowerCase(Locale.ROOT);
        if (!AddressSyntax.isDomain(domain, true)) {
            throw ApiException.badRequest("scope: not a domain name: \"" + shorten(domain) + "\"");
        }
        return domain;
    }

    static int limit(String raw) {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("limit: must be between 1 and " + MAX_LIMIT + ", got \"" + shorten(raw) + "\"");
    }

    /** A page cursor is the last entry's scope, a slash, its address: a domain has no slash, so the first one splits. */
    static String cursorOf(Suppression entry) {
        return entry.scope() + "/" + entry.address();
    }

    static String[] cursor(String after) {
        int slash = after.indexOf('/');
        if (slash < 0) {
            throw ApiException.badRequest("after: not a cursor from \"next\": \"" + shorten(after) + "\"");
        }
        return new String[] {after.substring(0, slash), after.substring(slash + 1)};
    }

    static JsonObject json(Suppression e) {
        return new JsonObject()
                .put("address", e.address())
                .put("scope", e.global() ? "global" : e.scope())
                .put("reason", e.reason())
                .put("added", Instant.ofEpochMilli(e.addedMillis()).toString())
                .put("expires", e.expiresMillis() == 0 ? null : Instant.ofEpochMilli(e.expiresMillis()).toString());
    }

    private static String describe(Key key) {
        return key.address + (key.scope.isEmpty() ? " (global)" : " (sender domain " + key.scope + ")");
    }

    private <T> Future<T> blocking(RoutingContext ctx, Callable<T> read) {
        return vertx.executeBlocking(read, false).onFailure(failure -> unavailable(ctx, "read", failure));
    }

    private static void notFound(RoutingContext ctx, Key key) {
        JsonResponse.error(ctx, 404, "no suppression entry for " + describe(key));
    }

    private static void unavailable(RoutingContext ctx, String what, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "api: suppression " + what + " failed: " + cause.getMessage());
        JsonResponse.error(ctx, 503, "spool: suppression " + what + " failed: " + cause.getMessage());
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}

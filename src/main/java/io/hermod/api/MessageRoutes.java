package io.hermod.api;

import io.hermod.eventlog.EventSink;
import io.hermod.queue.QueueAdmin;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /api/v1/messages/{id}} shows a spooled message's envelope and where each recipient
 * stands; {@code DELETE} removes a queued message through the queue (its pending recipients become
 * final), logged as an AdminAction. An id is the 16 hex digits the {@code 202} and the SMTP
 * {@code 250} gave out.
 */
final class MessageRoutes {

    private static final System.Logger LOG = System.getLogger(MessageRoutes.class.getName());

    private final Vertx vertx;
    private final Spool spool;
    private final QueueAdmin admin;
    private final EventSink events;

    MessageRoutes(Vertx vertx, Spool spool, QueueAdmin admin, EventSink events) {
        this.vertx = vertx;
        this.spool = spool;
        this.admin = admin;
        this.events = events;
    }

    /** @param wholeRequest reads the request to its end (and drops a body) before a call acts */
    void mount(Router router, Handler<RoutingContext> wholeRequest) {
        router.get("/api/v1/messages/:id").handler(wholeRequest).handler(this::lookup);
        router.delete("/api/v1/messages/:id").handler(wholeRequest).handler(this::delete);
    }

    private void lookup(RoutingContext ctx) {
        MessageId id;
        try {
            id = id(ctx.pathParam("id"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        vertx.executeBlocking(() -> read(id), false).onComplete(result -> {
            if (result.failed()) {
                JsonResponse.failure(ctx, result.cause(), LOG);
            } else if (result.result().isEmpty()) {
                JsonResponse.error(ctx, 404, "id: no message " + id + " in the spool");
            } else {
                JsonResponse.send(ctx, 200, EnvelopeJson.of(result.result().get()));
            }
        });
    }

    /** A RocksDB read, so on a worker; never against a closed database (that would crash the JVM). */
    private Optional<Envelope> read(MessageId id) {
        if (!spool.isOpen()) {
            throw new ApiException(503, "spool: closed");
        }
        return spool.envelope(id);
    }

    private void delete(RoutingContext ctx) {
        MessageId id;
        try {
            id = id(ctx.pathParam("id"));
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        Context context = vertx.getOrCreateContext();
        Future.fromCompletionStage(admin.delete(id).toCompletionStage(), context).onComplete(result -> {
            if (result.failed()) {
                LOG.log(System.Logger.Level.WARNING, "api: delete " + id + " failed: " + result.cause().getMessage());
                JsonResponse.error(ctx, 503, "queue: delete " + id + " failed: " + result.cause().getMessage());
            } else if (!result.result()) {
                JsonResponse.error(ctx, 404, "id: no queued message " + id);
            } else {
                events.append(ApiEvents.adminAction(id.toString(), "delete " + id, System.currentTimeMillis()));
                JsonResponse.send(ctx, 200, new JsonObject().put("id", id.toString()).put("deleted", true));
            }
        });
    }

    /** Exactly 16 hex digits, either case ({@link MessageId#parse} alone would also take a sign). */
    static MessageId id(String text) {
        if (text == null || text.length() != 16 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
            throw ApiException.badRequest("id: a message id is 16 hex digits, got \""
                    + (text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"");
        }
        return MessageId.parse(text);
    }
}

package io.hermod.api;

import io.hermod.cluster.handoff.HandoffControl;
import io.hermod.cluster.handoff.HandoffProgress;
import io.hermod.cluster.handoff.TransferCodec;
import io.hermod.cluster.handoff.TransferReceiver;
import io.hermod.cluster.handoff.TransferredMessage;
import io.hermod.eventlog.EventSink;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Queue hand-off over HTTP, behind {@code http.token} like all of {@code /api}:
 * {@code POST /api/v1/admin/handoff {"to": URL}} starts handing this pod's queue to the peer at URL
 * ({@code to} may be left out when {@code cluster.handoff_to} is set), {@code GET} shows how far it
 * got; {@code POST /api/v1/admin/transfer} is the peer's side, taking one batch
 * ({@link TransferCodec}) and answering 200 only once every message of it is committed and queued.
 * A batch that does not parse is a 400, one over the size limit a 413, and nothing of it is
 * committed; a pod that is not ready (draining, or handing off itself) answers 503.
 */
final class HandoffRoutes {

    private static final System.Logger LOG = System.getLogger(HandoffRoutes.class.getName());

    private final Vertx vertx;
    private final HandoffControl handoff;
    private final EventSink events;
    private final BooleanSupplier ready;
    private final long maxMessageSize;

    HandoffRoutes(Vertx vertx, HandoffControl handoff, EventSink events, BooleanSupplier ready, long maxMessageSize) {
        this.vertx = vertx;
        this.handoff = handoff;
        this.events = events;
        this.ready = ready;
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * The largest transfer body taken: one message of {@code smtp.max_message_size} or a batch of
     * the sender's byte budget, plus room for envelopes.
     */
    static long transferLimit(long maxMessageSize) {
        return Math.max(maxMessageSize, 2L * 1024 * 1024) + 8L * 1024 * 1024;
    }

    void mount(Router router, Handler<RoutingContext> wholeRequest, Handler<RoutingContext> tooLarge) {
        router.post("/api/v1/admin/handoff").handler(wholeRequest).handler(this::start);
        router.get("/api/v1/admin/handoff").handler(wholeRequest).handler(ctx -> JsonResponse.send(ctx, 200, status()));
        long limit = transferLimit(maxMessageSize);
        router.post("/api/v1/admin/transfer").handler(BodyHandler.create(false).setBodyLimit(limit))
                .handler(this::transfer).failureHandler(tooLarge);
    }

    private void start(RoutingContext ctx) {
        URI to;
        try {
            to = target(ctx.body().buffer());
        } catch (ApiException e) {
            JsonResponse.failure(ctx, e, LOG);
            return;
        }
        if (!handoff.start(to)) {
            JsonResponse.error(ctx, 409, "a hand-off is already running (to " + handoff.progress().to() + ")");
            return;
        }
        events.append(ApiEvents.adminAction(null, "handoff to " + to, System.currentTimeMillis()));
        JsonResponse.send(ctx, 202, status());
    }

    /** {@code to} from the body, else {@code cluster.handoff_to}; an absolute http(s) URL with a host. */
    private URI target(Buffer body) {
        String text = null;
        if (body != null && body.length() > 0) {
            JsonObject json;
            try {
                json = new JsonObject(body);
            } catch (DecodeException | ClassCastException e) {
                throw ApiException.badRequest("body: not a JSON object");
            }
            Object value = json.getValue("to");
            if (value != null && !(value instanceof String)) {
                throw ApiException.badRequest("to: must be a string (a URL)");
            }
            text = (String) value;
            for (String field : json.fieldNames()) {
                if (!field.equals("to")) {
                    throw ApiException.badRequest(field + ": unknown field");
                }
            }
        }
        if (text == null) {
            return handoff.configuredPeer().orElseThrow(() ->
                    ApiException.badRequest("to: required (cluster.handoff_to is not set)"));
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw ApiException.badRequest("to: must be an http:// or https:// URL with a host, got \""
                        + abbreviate(text) + "\"");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("to: not a URL: \"" + abbreviate(text) + "\"");
        }
    }

    private JsonObject status() {
        HandoffProgress p = handoff.progress();
        JsonObject out = new JsonObject()
                .put("state", p.state().name().toLowerCase(Locale.ROOT))
                .put("moved", p.moved())
                .put("failed", p.failed())
                .put("remaining", handoff.remaining());
        if (p.to() != null) {
            out.put("to", p.to().toString()).put("started", p.startedMillis());
        }
        if (p.finishedMillis() > 0) {
            out.put("finished", p.finishedMillis());
        }
        if (!p.error().isEmpty()) {
            out.put("error", p.error());
        }
        return out;
    }

    private void transfer(RoutingContext ctx) {
        if (!ready.getAsBoolean()) {
            JsonResponse.error(ctx, 503, "not ready: this pod is not taking mail (draining, or its spool cannot write)");
            return;
        }
        String type = ctx.request().getHeader("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(TransferCodec.CONTENT_TYPE)) {
            JsonResponse.error(ctx, 415, "content-type: must be " + TransferCodec.CONTENT_TYPE);
            return;
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            JsonResponse.error(ctx, 400, "body: empty; a transfer batch is required");
            return;
        }
        Context context = vertx.getOrCreateContext();
        // Decoding copies up to a batch's size: on a worker, not on the event loop.
        vertx.executeBlocking(() -> TransferCodec.decode(ByteBuffer.wrap(body.getBytes()), maxMessageSize), false)
                .onComplete(decoded -> {
                    if (decoded.failed()) {
                        Throwable cause = decoded.cause();
                        if (cause instanceof TransferCodec.TooLarge) {
                            JsonResponse.error(ctx, 413, "body: " + cause.getMessage());
                        } else if (cause instanceof TransferCodec.TransferFormatException) {
                            JsonResponse.error(ctx, 400, "body: " + cause.getMessage());
                        } else {
                            JsonResponse.failure(ctx, cause, LOG);
                        }
                        return;
                    }
                    commit(ctx, context, decoded.result());
                });
    }

    private void commit(RoutingContext ctx, Context context, List<TransferredMessage> batch) {
        TransferReceiver receiver = handoff.receiver();
        if (receiver.fromItself(batch)) {
            JsonResponse.error(ctx, 409, "body: the batch comes from this pod's own spool (a hand-off to itself)");
            return;
        }
        receiver.receive(batch, task -> context.runOnContext(v -> task.run())).whenComplete((received, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                LOG.log(System.Logger.Level.WARNING, "handoff: a batch could not be committed: " + cause.getMessage());
                JsonResponse.error(ctx, 503, "spool: the batch could not be stored: " + cause.getMessage());
                return;
            }
            handoff.received(received);
            JsonArray ids = new JsonArray();
            received.ids().forEach(id -> ids.add(id.toString()));
            JsonResponse.send(ctx, 200, new JsonObject().put("committed", received.committed())
                    .put("duplicates", received.duplicates()).put("finished", received.finished()).put("ids", ids));
        }));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}

package io.hermod.api;

import io.hermod.spool.MemoryBudget;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Admits an injection before its body is read: at most {@link #MAX_IN_PROGRESS} at once, and only
 * when the memory budget ({@code smtp.max_buffered_bytes}) admits its body ({@link MemoryBudget#tryAdmit}): the
 * {@code Content-Length}, or the largest body allowed when the request does not say. Otherwise the
 * request gets 503 with {@code Retry-After} and nothing is read. The reservation is given back when
 * the request ends, however it ends; the chunks the body is cut into are charged apart, as they are
 * made ({@link io.hermod.spool.ChunkedBody}).
 */
final class InjectionAdmission implements Handler<RoutingContext> {

    static final int MAX_IN_PROGRESS = 8;
    /** Seconds a refused client is asked to wait: chunks are written within milliseconds, bodies within seconds. */
    static final String RETRY_AFTER = "1";

    private final Slots inProgress;
    private final MemoryBudget memory;
    private final long bodyLimit;

    InjectionAdmission(int max, MemoryBudget memory, long bodyLimit) {
        this.inProgress = new Slots(max);
        this.memory = memory;
        this.bodyLimit = bodyLimit;
    }

    boolean tryEnter() {
        return inProgress.tryTake();
    }

    void leave() {
        inProgress.giveBack();
    }

    /** What the body may take: its declared length (over the limit, the body handler answers 413 unread), or the limit. */
    long charge(String contentLength) {
        if (contentLength != null) {
            try {
                long declared = Long.parseLong(contentLength.strip());
                if (declared >= 0) {
                    return Math.min(declared, bodyLimit);
                }
            } catch (NumberFormatException e) {
                // the HTTP codec refuses it before it gets here; charge the most to be safe
            }
        }
        return bodyLimit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!tryEnter()) {
            refuse(ctx, "too many messages being injected at once; try again");
            return;
        }
        long charge = charge(ctx.request().getHeader("Content-Length"));
        if (!memory.tryAdmit(charge)) {
            leave();
            memory.recordRefusal();
            refuse(ctx, "not enough memory for the message now (smtp.max_buffered_bytes); try again");
            return;
        }
        ctx.addEndHandler(done -> {
            memory.release(charge);
            leave();
        });
        ctx.next();
    }

    private static void refuse(RoutingContext ctx, String reason) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER);
        JsonResponse.error(ctx, 503, reason);
    }
}

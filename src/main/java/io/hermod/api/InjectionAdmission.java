package io.hermod.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Caps the injections in progress, before their bodies are read: each may buffer up to 1.4 times
 * {@code smtp.max_message_size}, so a handful of concurrent large requests must not be able to run
 * the heap out. Over the cap a request gets 503 with {@code Retry-After} and nothing is read.
 */
final class InjectionAdmission implements Handler<RoutingContext> {

    static final int MAX_IN_PROGRESS = 8;

    private final Slots inProgress;

    InjectionAdmission(int max) {
        this.inProgress = new Slots(max);
    }

    boolean tryEnter() {
        return inProgress.tryTake();
    }

    void leave() {
        inProgress.giveBack();
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!tryEnter()) {
            ctx.response().putHeader("Retry-After", "1");
            JsonResponse.error(ctx, 503, "too many messages being injected at once; try again");
            return;
        }
        ctx.addEndHandler(done -> leave());
        ctx.next();
    }
}

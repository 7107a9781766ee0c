package io.hermod.delivery;

import io.hermod.smtp.Reply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The replies one connection awaits, in the order its commands went out, and the one timer that
 * watches the oldest: its step's timeout runs from when it became the oldest (or, for the end of
 * data, from the final dot). Used on the connection's event loop only.
 */
final class AwaitedReplies {

    record Waiting(ClientStep step, Promise<Reply> promise) {
    }

    private final Vertx vertx;
    private final ClientTimeouts timeouts;
    private final long shortestTimeoutNanos;
    private final Consumer<ClientStep> onTimeout;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private long timer = -1;
    /** When the reply at the head started to be awaited. */
    private long headSinceNanos;
    private boolean stopped;

    /** @param onTimeout told the step whose reply did not come in time */
    AwaitedReplies(Vertx vertx, ClientTimeouts timeouts, Consumer<ClientStep> onTimeout) {
        this.vertx = vertx;
        this.timeouts = timeouts;
        this.shortestTimeoutNanos = timeouts.shortest().toNanos();
        this.onTimeout = onTimeout;
    }

    Future<Reply> add(ClientStep step) {
        Promise<Reply> promise = Promise.promise();
        waiting.add(new Waiting(step, promise));
        if (waiting.size() == 1) {
            headSinceNanos = System.nanoTime();
            arm(timeouts.of(step).toNanos());
        }
        return promise.future();
    }

    /** The oldest awaited reply, removed; the next one's clock starts now. Null when none is awaited. */
    Waiting poll() {
        Waiting head = waiting.poll();
        headSinceNanos = System.nanoTime();
        return head;
    }

    /** The step whose reply is awaited first, or null. */
    ClientStep head() {
        Waiting head = waiting.peek();
        return head == null ? null : head.step();
    }

    int size() {
        return waiting.size();
    }

    /** While the body goes out, the end-of-data reply is awaited but its clock has not started. */
    void holdClock() {
        headSinceNanos = System.nanoTime() + TimeUnit.DAYS.toNanos(365);
    }

    /** The final dot is written: the end-of-data clock starts (RFC 5321 4.5.3.2.6). */
    void startClock() {
        headSinceNanos = System.nanoTime();
    }

    void failAll(Throwable cause) {
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.promise().tryFail(cause);
        }
    }

    /** No reply will come any more: the timer is cancelled for good. */
    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * One timer per connection, not one per command: it is set when a reply starts to be awaited
     * and nothing is armed, and when it fires it checks the reply awaited now, arming itself again
     * for that reply's remaining time. Replies that come in time cost no timer operation.
     */
    private void arm(long delayNanos) {
        if (timer >= 0 || stopped) {
            return;
        }
        // Never sleep longer than the shortest step timeout: a later, shorter step is then still
        // caught close to its own deadline without re-arming the timer for every command.
        long delay = Math.min(delayNanos, shortestTimeoutNanos);
        timer = vertx.setTimer(Math.max(1, delay / 1_000_000), id -> {
            timer = -1;
            Waiting head = waiting.peek();
            if (head == null) {
                return;
            }
            long remaining = headSinceNanos + timeouts.of(head.step()).toNanos() - System.nanoTime();
            if (remaining > 0) {
                arm(remaining);
                return;
            }
            onTimeout.accept(head.step());
        });
    }
}

package io.hermod.queue;

import io.hermod.spool.MessageId;
import io.vertx.core.Future;
import java.util.List;

/**
 * What an operator can ask of the queue (the HTTP API's {@code /api/v1/queues} and message
 * deletion). Every call is answered by the shards on their own event loops; callable from any
 * thread.
 */
public interface QueueAdmin {

    /** Per domain: ready, scheduled, in flight, suspended, oldest age; and totals. */
    Future<QueueSnapshot> snapshot();

    /** Holds the domain's mail: nothing new is attempted until {@link #resume}. Idempotent. */
    Future<Void> suspend(String domain);

    Future<Void> resume(String domain);

    /**
     * Makes every deferred delivery of the domain due now; returns how many there were. The
     * deliveries are then read from the spool in turn, so a large queue is flushed in the
     * background, at the pace its site takes them.
     */
    Future<Integer> flush(String domain);

    /**
     * Bounces every delivery of the domain that waits (for a retry, or held), as a permanent
     * failure ({@code 5.0.0}, "bounced by the operator"), with DSNs to the senders; deliveries in
     * flight finish. Returns how many deliveries were bounced.
     */
    Future<Integer> bounce(String domain);

    /**
     * Removes a queued message: its pending recipients become final (deleted), it leaves the spool,
     * and no further attempt is made. False when no queued message has that id.
     */
    Future<Boolean> delete(MessageId id);

    /** One domain's queue. {@code oldestAgeMillis} is the age of its oldest waiting message, 0 when none. */
    record DomainStats(String domain, int ready, int scheduled, int inFlight, boolean suspended, long oldestAgeMillis) {
    }

    /**
     * Every domain with mail or a suspension, and the sums over them. {@code recovered} is false
     * while the start-up scan of the spool is still counting what was queued before the restart.
     */
    record QueueSnapshot(List<DomainStats> domains, int ready, int scheduled, int inFlight, int messages,
                         boolean recovered) {
        public QueueSnapshot {
            domains = List.copyOf(domains);
        }

        public QueueSnapshot(List<DomainStats> domains, int ready, int scheduled, int inFlight, int messages) {
            this(domains, ready, scheduled, inFlight, messages, true);
        }
    }
}

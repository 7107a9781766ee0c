package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import java.util.List;

/**
 * The recipients of one message at one domain that are still to be delivered: the unit a shard
 * queues, schedules and hands to a connection. Owned by one shard; never shared.
 */
final class Delivery implements Comparable<Delivery> {

    final Envelope envelope;
    final String domain;
    /** Current state of every recipient of the envelope; this delivery updates only its own. */
    final Recipient[] states;
    private List<Integer> pending;
    private long dueMillis;
    private byte[] body;
    /** Whether the delay report of {@code queue.delay_warning} has gone out (once per run). */
    boolean delayReported;
    private HotBodies hotBodies;

    Delivery(Envelope envelope, String domain, List<Integer> pending) {
        this.envelope = envelope;
        this.domain = domain;
        this.states = envelope.recipients().toArray(Recipient[]::new);
        this.pending = List.copyOf(pending);
        long due = 0;
        for (int index : pending) {
            due = Math.max(due, states[index].nextAttemptMillis());
        }
        this.dueMillis = due;
    }

    /** Keeps the body received by intake for the first attempt, counted against {@code budget}. */
    void holdBody(byte[] bytes, HotBodies budget) {
        this.body = bytes;
        this.hotBodies = budget;
    }

    /** The body held for this delivery, handed over once (then read from the spool), or null. */
    byte[] takeBody() {
        byte[] taken = body;
        if (taken != null) {
            hotBodies.release(taken.length);
            body = null;
        }
        return taken;
    }

    List<Integer> pending() {
        return pending;
    }

    /** Attempts so far: the most any of its recipients has had. */
    int attempts() {
        int attempts = 0;
        for (int index : pending) {
            attempts = Math.max(attempts, states[index].attempts());
        }
        return attempts;
    }

    long dueMillis() {
        return dueMillis;
    }

    void retryAt(List<Integer> stillPending, long due) {
        this.pending = List.copyOf(stillPending);
        this.dueMillis = due;
    }

    @Override
    public int compareTo(Delivery other) {
        return Long.compare(dueMillis, other.dueMillis);
    }
}

package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.Slot;
import java.util.List;

/**
 * The recipients of one message at one domain that are still to be delivered: the unit a shard
 * queues and schedules and a site hands to a connection. Owned by its domain's shard, lent to the
 * domain's site while it waits for or runs on a connection ({@link #inFlight} is the only field
 * the site writes, read by the shard's gauges).
 */
final class Delivery implements Comparable<Delivery> {

    final Envelope envelope;
    final String domain;
    /**
     * Current state of every recipient of the envelope; this delivery reads and updates only its
     * own (the array may be shared with the message's other deliveries, see the constructor).
     */
    final Recipient[] states;
    private List<Integer> pending;
    private long dueMillis;
    /** The prefix and the one body chunk intake still held, for the first attempt; null once taken. */
    private MemoryBody body;
    private HotBodies hotBodies;
    volatile boolean inFlight;
    /** Its place in the spool's schedule, which it keeps while it is in memory (shard only). */
    Slot slot;
    /** The site it is lent to, while it is (shard only). */
    String lentTo;

    /** A delivery as intake or the schedule hands it over, at {@code slot}. */
    Delivery(Envelope envelope, Slot slot) {
        this(envelope, envelope.recipients().toArray(Recipient[]::new), slot);
    }

    /**
     * As above, sharing {@code states} with the message's deliveries at its other domains: each
     * reads and writes only the entries of its own recipients, so one array serves them all (a
     * message to 1000 domains does not copy its 1000 recipients 1000 times).
     */
    Delivery(Envelope envelope, Recipient[] states, Slot slot) {
        this(envelope, slot.domain(), states, slot.recipients());
        this.slot = slot;
        this.dueMillis = slot.dueMillis();
    }

    /** A delivery read from the schedule: {@code slot} as stored, of which {@code pending} are still to deliver. */
    Delivery(Envelope envelope, Slot slot, List<Integer> pending) {
        this(envelope, slot.domain(), envelope.recipients().toArray(Recipient[]::new), pending);
        this.slot = slot;
        this.dueMillis = slot.dueMillis();
    }

    private Delivery(Envelope envelope, String domain, Recipient[] states, List<Integer> pending) {
        this.envelope = envelope;
        this.domain = domain;
        this.states = states;
        this.pending = List.copyOf(pending);
        long due = 0;
        for (int index : pending) {
            due = Math.max(due, states[index].nextAttemptMillis());
        }
        this.dueMillis = due;
    }

    /** Another delivery of the same message and domain, for {@code indexes}, with a copy of the states. */
    Delivery fork(List<Integer> indexes, long due) {
        Delivery d = new Delivery(envelope, domain, states.clone(), indexes);
        d.dueMillis = due;
        return d;
    }

    /** Keeps the body received by intake for the first attempt, counted against {@code budget}. */
    void holdBody(MemoryBody held, HotBodies budget) {
        this.body = held;
        this.hotBodies = budget;
    }

    /** The body held for this delivery, handed over once (then read from the spool), or null. */
    MemoryBody takeBody() {
        MemoryBody taken = body;
        if (taken != null) {
            hotBodies.release(taken.size());
            body = null;
        }
        return taken;
    }

    List<Integer> pending() {
        return pending;
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

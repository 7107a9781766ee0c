package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes recipient outcomes to the spool. Which recipient of a message is the last to become final
 * is decided by the spool's writer from what is stored ({@link Spool#recordFinal}), so nothing
 * here grows with the queue: the ledger only remembers, for an hour, the messages an operator
 * deleted (their deliveries in memory are dropped) and the messages whose one delay report has
 * been claimed (shards of several domains race for it).
 */
final class MessageLedger {

    /** How long a deletion or a delay-report claim is remembered: far longer than a delivery stays in memory. */
    private static final long REMEMBER_MILLIS = 3_600_000;

    /** The spool writes the ledger makes; a unit test records them instead. */
    interface Writes {
        CompletableFuture<Void> record(MessageId id, int index, Recipient state);

        /** Records a final state, deleting the message when it was the last pending one. */
        CompletableFuture<Boolean> recordFinal(Envelope envelope, int index, Recipient state);

        /** Deletes a message, whatever its recipients' states; true when it was stored. */
        CompletableFuture<Boolean> delete(MessageId id);

        CompletableFuture<Void> markDelayReported(MessageId id);
    }

    private final Writes spool;
    private final ConcurrentHashMap<MessageId, Long> deleted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<MessageId, Long> delayClaims = new ConcurrentHashMap<>();

    MessageLedger(Writes spool) {
        this.spool = spool;
    }

    static MessageLedger of(Spool spool) {
        return new MessageLedger(new Writes() {
            @Override
            public CompletableFuture<Void> record(MessageId id, int index, Recipient state) {
                return spool.record(id, index, state);
            }

            @Override
            public CompletableFuture<Boolean> recordFinal(Envelope envelope, int index, Recipient state) {
                return spool.recordFinal(envelope, index, state);
            }

            @Override
            public CompletableFuture<Boolean> delete(MessageId id) {
                return spool.delete(id);
            }

            @Override
            public CompletableFuture<Void> markDelayReported(MessageId id) {
                return spool.markDelayReported(id);
            }
        });
    }

    /** Whether the message's delay report has gone out (as stored when it was read, or claimed since). */
    boolean delayReported(Envelope envelope) {
        return envelope.delayReported() || delayClaims.containsKey(envelope.id());
    }

    /**
     * Claims the message's one delay report: true for the first caller only. The mark is written
     * to the spool, so that a restart does not send it again.
     */
    boolean claimDelayReport(Envelope envelope) {
        if (envelope.delayReported() || !isOpen(envelope.id())) {
            return false;
        }
        // Only deliveries of a message with several recipients can race for its report; a queue of
        // a million one-recipient messages crossing queue.delay_warning keeps no claim in memory.
        if (envelope.recipients().size() > 1
                && delayClaims.putIfAbsent(envelope.id(), System.currentTimeMillis()) != null) {
            return false;
        }
        SpoolRetries.write(() -> spool.markDelayReported(envelope.id()), "the delay report of " + envelope.id(), done -> { });
        return true;
    }

    /** False once an operator has deleted the message. */
    boolean isOpen(MessageId id) {
        return !deleted.containsKey(id);
    }

    /**
     * Records where a recipient stands; a final state may delete the message (see {@link
     * Spool#recordFinal}). Nothing is written for a message an operator deleted.
     */
    void record(Envelope envelope, int index, Recipient state) {
        if (!isOpen(envelope.id())) {
            return;
        }
        if (state.state().isFinal()) {
            SpoolRetries.write(() -> spool.recordFinal(envelope, index, state), "the delivery state of " + envelope.id(),
                    done -> { });
        } else {
            SpoolRetries.write(() -> spool.record(envelope.id(), index, state), "the delivery state of "
                    + envelope.id(), done -> { });
        }
    }

    /** An operator's delete: the message leaves the spool; false if it was not stored. */
    CompletableFuture<Boolean> delete(MessageId id) {
        deleted.put(id, System.currentTimeMillis());
        return spool.delete(id);
    }

    /** Forgets deletions and claims older than an hour; called now and then. */
    void forgetOld(long nowMillis) {
        deleted.values().removeIf(at -> nowMillis - at > REMEMBER_MILLIS);
        delayClaims.values().removeIf(at -> nowMillis - at > REMEMBER_MILLIS);
    }

}

package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes recipient outcomes to the spool and removes a message once its last recipient is final.
 * A message's recipients may sit in several shards (one per domain), so the count of open
 * recipients per message is the one piece of queue bookkeeping the shards share.
 */
final class MessageLedger {

    private static final System.Logger LOG = System.getLogger(MessageLedger.class.getName());

    /** {@code delayReported}: the message's one delay report has gone out (shards of several domains race for it). */
    private record Entry(Envelope envelope, AtomicInteger open, AtomicBoolean delayReported) {
    }

    /**
     * Attempts of one state write, 1 s apart and doubling up to 30 s: about 4 minutes in all, well
     * past RocksDB's 5 s check for free space after a full disk (see Spool), so a disk-full episode
     * that clears loses no "delivered" record and no delete.
     */
    private static final int WRITE_ATTEMPTS = 12;
    private static final long MAX_RETRY_DELAY_SECONDS = 30;

    /** The spool writes the ledger makes; a unit test records them instead. */
    interface Writes {
        CompletableFuture<Void> record(MessageId id, int index, Recipient state);

        CompletableFuture<Void> delete(Envelope envelope);

        CompletableFuture<Void> markDelayReported(MessageId id);
    }

    private final Writes spool;
    private final ConcurrentHashMap<MessageId, Entry> open = new ConcurrentHashMap<>();

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
            public CompletableFuture<Void> delete(Envelope envelope) {
                return spool.delete(envelope);
            }

            @Override
            public CompletableFuture<Void> markDelayReported(MessageId id) {
                return spool.markDelayReported(id);
            }
        });
    }

    void register(Envelope envelope) {
        int pending = 0;
        for (Recipient r : envelope.recipients()) {
            if (!r.state().isFinal()) {
                pending++;
            }
        }
        open.put(envelope.id(), new Entry(envelope, new AtomicInteger(pending), new AtomicBoolean(envelope.delayReported())));
    }

    /** Whether the message's delay report has gone out (or it is no longer queued). */
    boolean delayReported(MessageId id) {
        Entry entry = open.get(id);
        return entry == null || entry.delayReported().get();
    }

    /**
     * Claims the message's one delay report: true for the first caller only. The mark is written
     * to the spool, so that a restart does not send it again.
     */
    boolean claimDelayReport(Envelope envelope) {
        Entry entry = open.get(envelope.id());
        if (entry == null || !entry.delayReported().compareAndSet(false, true)) {
            return false;
        }
        write(() -> spool.markDelayReported(envelope.id()), envelope, WRITE_ATTEMPTS);
        return true;
    }

    boolean isOpen(MessageId id) {
        return open.containsKey(id);
    }

    /**
     * Records where a recipient stands. The record is submitted before the count drops, so the
     * spool writer sees it before the delete that the last recipient's shard submits.
     */
    void record(Envelope envelope, int index, Recipient state) {
        if (!state.state().isFinal()) {
            if (open.containsKey(envelope.id())) {
                write(() -> spool.record(envelope.id(), index, state), envelope, WRITE_ATTEMPTS);
            }
            return;
        }
        Entry entry = open.get(envelope.id());
        if (entry == null) {
            return; // deleted by an operator meanwhile
        }
        if (entry.open().get() > 1) {
            write(() -> spool.record(envelope.id(), index, state), envelope, WRITE_ATTEMPTS);
        }
        if (entry.open().decrementAndGet() == 0 && open.remove(envelope.id(), entry)) {
            write(() -> spool.delete(envelope), envelope, WRITE_ATTEMPTS);
        }
    }

    /** An operator's delete: the message leaves the ledger and the spool; false if it was not queued. */
    CompletableFuture<Boolean> delete(MessageId id) {
        Entry entry = open.remove(id);
        if (entry == null) {
            return CompletableFuture.completedFuture(false);
        }
        return spool.delete(entry.envelope()).thenApply(v -> true);
    }

    /**
     * A failed state write is tried again with a growing delay (see {@link #WRITE_ATTEMPTS}): a lost
     * "delivered" record would mean delivering again after a restart, and a lost delete a message
     * left on disk.
     */
    private static void write(Supplier<CompletableFuture<Void>> write, Envelope envelope, int attemptsLeft) {
        write.get().whenComplete((v, e) -> {
            if (e == null) {
                return;
            }
            if (attemptsLeft > 1) {
                long delay = Math.min(MAX_RETRY_DELAY_SECONDS, 1L << Math.min(5, WRITE_ATTEMPTS - attemptsLeft));
                CompletableFuture.runAsync(() -> write(write, envelope, attemptsLeft - 1),
                        CompletableFuture.delayedExecutor(delay, TimeUnit.SECONDS));
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "spool: cannot record delivery state of " + envelope.id()
                    + " after " + WRITE_ATTEMPTS + " attempts: " + e.getMessage());
        });
    }

    /** Messages with at least one recipient not yet final. */
    int messages() {
        return open.size();
    }
}

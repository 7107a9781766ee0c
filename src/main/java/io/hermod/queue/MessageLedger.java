package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes recipient outcomes to the spool and removes a message once its last recipient is final.
 * A message's recipients may sit in several shards (one per domain), so the count of open
 * recipients per message is the one piece of queue bookkeeping the shards share.
 */
final class MessageLedger {

    private static final System.Logger LOG = System.getLogger(MessageLedger.class.getName());

    private final Spool spool;
    private final ConcurrentHashMap<MessageId, AtomicInteger> open = new ConcurrentHashMap<>();

    MessageLedger(Spool spool) {
        this.spool = spool;
    }

    void register(Envelope envelope) {
        int pending = 0;
        for (Recipient r : envelope.recipients()) {
            if (!r.state().isFinal()) {
                pending++;
            }
        }
        open.put(envelope.id(), new AtomicInteger(pending));
    }

    /**
     * Records where a recipient stands. The record is submitted before the count drops, so the
     * spool writer sees it before the delete that the last recipient's shard submits.
     */
    void record(Envelope envelope, int index, Recipient state) {
        if (!state.state().isFinal()) {
            write(spool.record(envelope.id(), index, state), envelope);
            return;
        }
        AtomicInteger left = open.get(envelope.id());
        if (left == null) {
            return; // deleted by an operator meanwhile
        }
        if (left.get() > 1) {
            write(spool.record(envelope.id(), index, state), envelope);
        }
        if (left.decrementAndGet() == 0) {
            open.remove(envelope.id());
            write(spool.delete(envelope), envelope);
        }
    }

    private static void write(java.util.concurrent.CompletableFuture<Void> write, Envelope envelope) {
        write.whenComplete((v, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.ERROR, "spool: cannot record delivery state of " + envelope.id() + ": "
                        + e.getMessage());
            }
        });
    }

    /** Messages with at least one recipient not yet final. */
    int messages() {
        return open.size();
    }
}

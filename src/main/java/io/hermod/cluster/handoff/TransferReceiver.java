package io.hermod.cluster.handoff;

import io.hermod.queue.Acceptance;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The peer's side of a hand-off: commits each message of a batch into this pod's spool under a new
 * id, with its arrival time and every recipient's state, attempts and next due time as they were,
 * and queues it, through the one acceptance path. The batch's future completes once every message
 * is committed and queued: only then may the sender delete its copies. A message this pod already
 * committed (same transfer id, see {@link SeenTransfers}) is counted and skipped.
 */
public final class TransferReceiver {

    /** What one batch did here. */
    public record Received(int committed, int duplicates, int finished, List<MessageId> ids) {
    }

    private final MessageStore store;
    private final Acceptance acceptance;
    private final SeenTransfers seen;
    private final String identity;

    /** @param identity this pod's spool identity: a batch from it is refused (a pod handing off to itself) */
    public TransferReceiver(MessageStore store, Acceptance acceptance, SeenTransfers seen, String identity) {
        this.store = store;
        this.acceptance = acceptance;
        this.seen = seen;
        this.identity = identity;
    }

    /** True when the batch comes from this very spool (the hand-off's URL points back at its sender). */
    public boolean fromItself(List<TransferredMessage> batch) {
        String own = identity + ":";
        return batch.stream().anyMatch(m -> m.transferId().startsWith(own));
    }

    /**
     * Commits and queues every message; the future completes on {@code caller} after the last, and
     * fails if any commit failed (the sender keeps the batch and tries again; those that were
     * committed are then recognised as duplicates).
     */
    public CompletableFuture<Received> receive(List<TransferredMessage> batch, Executor caller) {
        List<CompletableFuture<Void>> commits = new ArrayList<>(batch.size());
        List<MessageId> ids = new ArrayList<>(batch.size());
        AtomicInteger duplicates = new AtomicInteger();
        int finished = 0;
        for (TransferredMessage message : batch) {
            MessageId earlier = seen.get(message.transferId());
            if (earlier != null) {
                duplicates.incrementAndGet();
                ids.add(earlier);
                continue;
            }
            if (message.isFinal()) {
                finished++;
                continue;
            }
            MessageId id = store.newId();
            Envelope envelope = message.envelope(id);
            List<byte[]> chunks = message.chunks();
            CompletableFuture<?>[] written = new CompletableFuture<?>[chunks.size() - 1];
            for (int i = 0; i < chunks.size() - 1; i++) {
                written[i] = store.writeChunk(id, i, chunks.get(i));
            }
            byte[] prefix = message.prefix().length == 0 ? null : message.prefix();
            ids.add(id);
            commits.add(acceptance.accept(envelope, CompletableFuture.allOf(written), chunks.get(chunks.size() - 1),
                    prefix, caller).thenRun(() -> seen.put(message.transferId(), id)));
        }
        int done = finished;
        return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Received(commits.size(), duplicates.get(), done, List.copyOf(ids)));
    }
}

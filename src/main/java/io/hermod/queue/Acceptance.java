package io.hermod.queue;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The one acceptance path, for SMTP intake, HTTP injection and bounces alike: once the body
 * chunks are written, the envelope is committed (synced, group-committed), and only then is the
 * message queued. The future completes after both, on the caller's executor; when it fails, nothing was accepted and the
 * chunks already written are discarded.
 */
public final class Acceptance {

    private final MessageStore store;
    private final MessageQueue queue;

    public Acceptance(MessageStore store, MessageQueue queue) {
        this.store = store;
        this.queue = queue;
    }

    /**
     * @param chunksWritten completes when every chunk but the last is stored (they are written as they arrive)
     * @param lastChunk     the last body chunk, stored with the envelope; null when all are written
     * @param caller        where the message is queued once committed (the caller's event loop), so
     *                      that the spool's writer thread does nothing but write
     */
    public CompletableFuture<Void> accept(Envelope envelope, CompletableFuture<Void> chunksWritten, byte[] lastChunk,
                                          Executor caller) {
        return accept(envelope, chunksWritten, lastChunk, null, caller);
    }

    /**
     * @param prefix header fields that go before the body (the DKIM signatures), stored with the
     *               envelope; null or empty for none. The envelope must say {@link Envelope#prefixed()}
     *               exactly when there is one.
     */
    public CompletableFuture<Void> accept(Envelope envelope, CompletableFuture<Void> chunksWritten, byte[] lastChunk,
                                          byte[] prefix, Executor caller) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        chunksWritten.thenCompose(v -> store.commit(envelope, lastChunk, prefix)).whenComplete((v, failure) -> {
            if (failure != null) {
                store.discard(envelope.id(), envelope.chunkCount());
            }
            caller.execute(() -> {
                if (failure != null) {
                    accepted.completeExceptionally(failure);
                    return;
                }
                queue.enqueue(envelope, prefix, envelope.chunkCount() == 1 ? lastChunk : null);
                accepted.complete(null);
            });
        });
        return accepted;
    }

    /** A message of one chunk, all in hand (a bounce), queued on the thread that completes the commit. */
    public CompletableFuture<Void> accept(Envelope envelope, byte[] body) {
        return accept(envelope, CompletableFuture.completedFuture(null), body, null, Runnable::run);
    }

    /** A message of one chunk, all in hand, with its prefix (a signed bounce). */
    public CompletableFuture<Void> accept(Envelope envelope, byte[] body, byte[] prefix) {
        return accept(envelope, CompletableFuture.completedFuture(null), body, prefix, Runnable::run);
    }
}

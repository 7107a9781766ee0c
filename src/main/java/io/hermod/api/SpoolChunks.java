package io.hermod.api;

import io.hermod.dkim.Signing;
import io.hermod.spool.ChunkedBody;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An injected body as an {@link OutputStream} over a {@link ChunkedBody}. Runs on a worker thread:
 * when more than {@link #MAX_IN_FLIGHT} chunk writes are outstanding it waits for the oldest, so
 * the copy of the message held here stays a few chunks long however large the message is. Those
 * chunks are charged to the memory budget as they are made (the request was admitted already, so
 * they are not refused) until the spool has them, or until {@link #release()}.
 */
final class SpoolChunks extends OutputStream {

    static final int MAX_IN_FLIGHT = 2;

    private final ChunkedBody chunks;
    private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    private final Signing.Message signature;
    private long size;

    SpoolChunks(MessageStore store, MessageId id, int chunkSize, MemoryBudget memory, Signing.Message signature) {
        this.chunks = new ChunkedBody(store, id, chunkSize, memory, this::chunkWriting);
        this.signature = signature;
    }

    private void chunkWriting(CompletableFuture<Void> write) {
        inFlight.add(write);
        while (inFlight.size() > MAX_IN_FLIGHT) {
            try {
                inFlight.remove().join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new ApiException(503, "spool: cannot store the message: " + cause.getMessage());
            }
        }
    }

    @Override
    public void write(int b) {
        size++;
        chunks.append((byte) b);
        signature.update((byte) b);
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        size += count;
        chunks.append(source, offset, count);
        signature.update(source, offset, count);
    }

    /** The DKIM signatures to put before the message (empty when unsigned); once, at the end. */
    byte[] signatures() {
        return signature.finish();
    }

    /** Octets written, header included: the envelope's body size. */
    long size() {
        return size;
    }

    int chunkCount() {
        return chunks.chunkCount();
    }

    byte[] takeLastChunk() {
        return chunks.takeLastChunk();
    }

    CompletableFuture<Void> written() {
        return chunks.written();
    }

    /** Gives back what is still charged here (the last chunk, once its commit is over). */
    void release() {
        chunks.release();
    }

    /** Removes the chunks written and gives back what is charged. */
    void discard() {
        chunks.discard();
    }
}

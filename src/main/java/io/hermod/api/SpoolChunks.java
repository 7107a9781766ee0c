package io.hermod.api;

import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Cuts an injected body into chunks of the spool's chunk size and writes each full chunk as soon
 * as it is full, as SMTP intake does, keeping the last one for the commit. Runs on a worker thread:
 * when more than {@link #MAX_IN_FLIGHT} chunk writes are outstanding it waits for the oldest, so
 * the copy of the message held here stays a few chunks long however large the message is.
 */
final class SpoolChunks extends OutputStream {

    static final int MAX_IN_FLIGHT = 2;
    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final MessageStore store;
    private final MessageId id;
    private final int chunkSize;
    private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    private byte[] buffer;
    private int length;
    private int chunks;
    private long size;

    SpoolChunks(MessageStore store, MessageId id, int chunkSize) {
        this.store = store;
        this.id = id;
        this.chunkSize = chunkSize;
        this.buffer = new byte[Math.min(INITIAL_CAPACITY, chunkSize)];
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        size += count;
        while (count > 0) {
            if (length == buffer.length) {
                makeRoom();
            }
            int n = Math.min(count, buffer.length - length);
            System.arraycopy(source, offset, buffer, length, n);
            length += n;
            offset += n;
            count -= n;
        }
    }

    private void makeRoom() {
        if (buffer.length < chunkSize) {
            buffer = Arrays.copyOf(buffer, Math.min(chunkSize, buffer.length * 2));
            return;
        }
        CompletableFuture<Void> write = store.writeChunk(id, chunks++, buffer);
        buffer = new byte[chunkSize];
        length = 0;
        written = written.thenCombine(write, (a, b) -> null);
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

    /** Octets written, header included: the envelope's body size. */
    long size() {
        return size;
    }

    /** Chunks of the body: those handed to the spool plus the last one. */
    int chunkCount() {
        return chunks + 1;
    }

    /** The last chunk, trimmed; written by the commit, not here. */
    byte[] takeLastChunk() {
        byte[] last = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        buffer = null;
        return last;
    }

    /** Completes when every chunk handed to the spool has been written, or fails with the first error. */
    CompletableFuture<Void> written() {
        return written;
    }

    /** Removes the chunks already handed to the spool, for a message that will not be committed. */
    void discard() {
        if (chunks > 0) {
            store.discard(id, chunks);
        }
    }
}

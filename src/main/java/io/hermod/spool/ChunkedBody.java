package io.hermod.spool;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A message body on its way into the spool: bytes are buffered up to {@link Spool#CHUNK_SIZE} and
 * each full chunk is handed to {@link MessageStore#writeChunk} at once, so a large body is never
 * held whole in memory; the last chunk is kept for the commit. Not thread-safe: one writer (an SMTP
 * session, an HTTP injection) owns it. How the writer waits for chunk writes is its own business:
 * {@code onChunk} is told about each one.
 */
public final class ChunkedBody {

    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final MessageStore store;
    private final MessageId id;
    private final int chunkSize;
    private final Consumer<CompletableFuture<Void>> onChunk;
    private byte[] buffer;
    private int length;
    private int chunks;
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

    public ChunkedBody(MessageStore store, MessageId id, int chunkSize, Consumer<CompletableFuture<Void>> onChunk) {
        this.store = store;
        this.id = id;
        this.chunkSize = chunkSize;
        this.onChunk = onChunk;
        // Never start above chunkSize: a full buffer is written as one chunk, which must not exceed it.
        this.buffer = new byte[Math.min(INITIAL_CAPACITY, chunkSize)];
    }

    public MessageId id() {
        return id;
    }

    public void append(byte b) {
        if (length == buffer.length) {
            makeRoom();
        }
        buffer[length++] = b;
    }

    public void append(byte[] source, int offset, int count) {
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
        byte[] full = buffer;
        buffer = new byte[chunkSize];
        length = 0;
        CompletableFuture<Void> write = store.writeChunk(id, chunks++, full);
        written = written.thenCombine(write, (a, b) -> null);
        onChunk.accept(write);
    }

    /** Chunks of the body: those handed to the spool plus the one being filled. */
    public int chunkCount() {
        return chunks + 1;
    }

    /** The last chunk, trimmed to its length; the buffer is released. */
    public byte[] takeLastChunk() {
        byte[] last = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        buffer = null;
        return last;
    }

    /** Completes when every chunk handed to the spool so far has been written, or fails with the first error. */
    public CompletableFuture<Void> written() {
        return written;
    }

    /** Removes the chunks already handed to the spool, for a message that will not be committed. */
    public void discard() {
        if (chunks > 0) {
            store.discard(id, chunks);
        }
    }
}

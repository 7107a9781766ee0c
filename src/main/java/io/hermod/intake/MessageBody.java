package io.hermod.intake;

import io.hermod.smtp.DataDecoder;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Spool;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The body of a message being received, written to the spool in {@link Spool#CHUNK_SIZE} chunks as
 * it arrives, so a large message is never held whole in memory. Bytes past the size limit are
 * counted but dropped.
 */
final class MessageBody implements DataDecoder.Output {

    private static final int INITIAL_CAPACITY = 8 * 1024;
    /** Chunk writes in flight at which the session stops reading. */
    static final int MAX_CHUNKS_IN_FLIGHT = 2;

    private final MessageStore store;
    private final MessageId id;
    private final long limit;
    private final int chunkSize;
    private final Executor sessionThread;
    private final Runnable flowChanged;
    private byte[] buffer;
    private int length;
    private long size;
    private int chunks;
    private CompletableFuture<Void> chunkWrites = CompletableFuture.completedFuture(null);
    private int inFlight;

    /**
     * @param flowChanged run on {@code sessionThread} whenever {@link #saturated()} may have changed
     */
    MessageBody(MessageStore store, MessageId id, long limit, int chunkSize, Executor sessionThread,
                Runnable flowChanged) {
        this.store = store;
        this.id = id;
        this.limit = limit;
        this.chunkSize = chunkSize;
        this.sessionThread = sessionThread;
        this.flowChanged = flowChanged;
        // Never start above chunkSize: a full buffer is written as one chunk, which must not exceed it.
        this.buffer = new byte[Math.min(INITIAL_CAPACITY, chunkSize)];
    }

    MessageId id() {
        return id;
    }

    @Override
    public void write(byte b) {
        if (++size > limit) {
            return;
        }
        if (length == buffer.length) {
            makeRoom();
        }
        buffer[length++] = b;
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        long keep = Math.max(0, Math.min(count, limit - size));
        size += count;
        int remaining = (int) keep;
        while (remaining > 0) {
            if (length == buffer.length) {
                makeRoom();
            }
            int n = Math.min(remaining, buffer.length - length);
            System.arraycopy(source, offset, buffer, length, n);
            length += n;
            offset += n;
            remaining -= n;
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
        chunkWrites = chunkWrites.thenCombine(write, (a, b) -> null);
        inFlight++;
        flowChanged.run();
        write.whenCompleteAsync((v, e) -> {
            inFlight--;
            flowChanged.run();
        }, sessionThread);
    }

    /** Whether enough chunk writes are in flight that the session should stop reading. */
    boolean saturated() {
        return inFlight >= MAX_CHUNKS_IN_FLIGHT;
    }

    boolean overLimit() {
        return size > limit;
    }

    long size() {
        return Math.min(size, limit);
    }

    /** Chunks needed for the body: those already written plus the one being filled. */
    int chunkCount() {
        return chunks + 1;
    }

    /** The last chunk, trimmed to its length; the buffer is released. */
    byte[] takeLastChunk() {
        byte[] last = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        buffer = null;
        return last;
    }

    /** Completes when every chunk handed to the spool so far has been written, or fails with the first error. */
    CompletableFuture<Void> chunksWritten() {
        return chunkWrites;
    }
}

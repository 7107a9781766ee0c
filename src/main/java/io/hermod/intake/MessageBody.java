package io.hermod.intake;

import io.hermod.dkim.Signing;
import io.hermod.smtp.DataDecoder;
import io.hermod.spool.ChunkedBody;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The body of a message being received over SMTP: decoded bytes go to a {@link ChunkedBody}, so a
 * large message is never held whole in memory; bytes past the size limit are counted but dropped.
 * While {@link #MAX_CHUNKS_IN_FLIGHT} chunk writes are pending the session stops reading.
 *
 * <p>Its buffers are charged to the {@link MemoryBudget}: before the session decodes input it asks
 * {@link #admit} how much of it the budget covers (the worst case of {@link DataDecoder#maxOutput}),
 * so decoding never allocates past the budget. A body the budget cannot serve any more is
 * {@link #refuse}d: the rest of its bytes are counted and dropped, and it ends with 451 4.3.1.
 */
final class MessageBody implements DataDecoder.Output {

    /** Chunk writes in flight at which the session stops reading. */
    static final int MAX_CHUNKS_IN_FLIGHT = 2;

    private final ChunkedBody chunks;
    private final long limit;
    private final Executor sessionThread;
    private final Runnable flowChanged;
    private final Signing.Message signature;
    private long size;
    private int inFlight;
    /** Set when the message also goes to inbound domains: what they consume. */
    private InboundCopy copy;
    private boolean refused;

    /**
     * @param flowChanged run on {@code sessionThread} whenever {@link #saturated()} may have changed
     */
    MessageBody(MessageStore store, MessageId id, long limit, int chunkSize, int expectedSize, MemoryBudget budget,
                Executor sessionThread, Runnable flowChanged, Signing.Message signature) {
        this.signature = signature;
        this.chunks = new ChunkedBody(store, id, chunkSize, budget, this::chunkWriting, expectedSize);
        this.limit = limit;
        this.sessionThread = sessionThread;
        this.flowChanged = flowChanged;
    }

    private void chunkWriting(CompletableFuture<Void> write) {
        inFlight++;
        flowChanged.run();
        write.whenCompleteAsync((v, e) -> {
            inFlight--;
            flowChanged.run();
        }, sessionThread);
    }

    MessageId id() {
        return chunks.id();
    }

    /** From now on, also copies what is written into {@code copy}. */
    void copyTo(InboundCopy copy) {
        this.copy = copy;
    }

    InboundCopy copy() {
        return copy;
    }

    @Override
    public void write(byte b) {
        if (refused) {
            size++;
            return;
        }
        if (++size <= limit) {
            chunks.append(b);
            // Signing.Message.update(byte) wraps the byte in an array, twice a line (CR, LF) even when
            // nothing is signed.
            if (signature != Signing.Message.NONE) {
                signature.update(b);
            }
            if (copy != null) {
                copy.write(new byte[] {b}, 0, 1);
            }
        }
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        if (refused) {
            size += count;
            return;
        }
        long keep = Math.max(0, Math.min(count, limit - size));
        size += count;
        chunks.append(source, offset, (int) keep);
        signature.update(source, offset, (int) keep);
        if (copy != null) {
            copy.write(source, offset, (int) keep);
        }
    }

    /**
     * How many of {@code available} input bytes may be decoded now: all of them when the budget
     * covers their worst-case output (or they will be dropped anyway), else as many as fit in the
     * buffer as it is; 0 when the session must wait for memory ({@link #shortfall} says how much).
     */
    int admit(int available) {
        if (refused || size >= limit) {
            return available;
        }
        if (chunks.reserve(keepable(available))) {
            return available;
        }
        return Math.min(available, DataDecoder.maxInput(chunks.room()));
    }

    /** The bytes to wait for before {@code available} input bytes can be decoded. */
    long shortfall(int available) {
        return chunks.shortfall(keepable(available));
    }

    private int keepable(int available) {
        return (int) Math.min(DataDecoder.maxOutput(available), limit - size);
    }

    /** Bytes granted to this body's wait for memory. */
    void credit(long bytes) {
        chunks.credit(bytes);
    }

    /** Gives back what was reserved for input that turned out to need less. */
    void returnSpare() {
        chunks.returnSpare();
    }

    /** Before waiting for memory: the bytes buffered go to the spool, so the wait holds nothing the writer keeps. */
    void flush() {
        chunks.flush();
    }

    /** The budget stayed full: the rest of the message is dropped, and what is buffered is given back. */
    void refuse() {
        refused = true;
        chunks.release();
    }

    boolean refused() {
        return refused;
    }

    /** Gives back what the body holds: after its commit, or when it is dropped. */
    void release() {
        chunks.release();
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

    int chunkCount() {
        return chunks.chunkCount();
    }

    /** The DKIM signatures to put before the message (empty when unsigned); once, at the end of data. */
    byte[] signatures() {
        return signature.finish();
    }

    byte[] takeLastChunk() {
        return chunks.takeLastChunk();
    }

    CompletableFuture<Void> chunksWritten() {
        return chunks.written();
    }
}

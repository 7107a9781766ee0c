package io.hermod.intake;

import io.hermod.dkim.Signing;
import io.hermod.smtp.DataDecoder;
import io.hermod.spool.ChunkedBody;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The body of a message being received over SMTP: decoded bytes go to a {@link ChunkedBody}, so a
 * large message is never held whole in memory; bytes past the size limit are counted but dropped.
 * While {@link #MAX_CHUNKS_IN_FLIGHT} chunk writes are pending the session stops reading.
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

    /**
     * @param flowChanged run on {@code sessionThread} whenever {@link #saturated()} may have changed
     */
    MessageBody(MessageStore store, MessageId id, long limit, int chunkSize, Executor sessionThread,
                Runnable flowChanged, Signing.Message signature) {
        this.signature = signature;
        this.chunks = new ChunkedBody(store, id, chunkSize, this::chunkWriting);
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
        if (++size <= limit) {
            chunks.append(b);
            signature.update(b);
            if (copy != null) {
                copy.write(new byte[] {b}, 0, 1);
            }
        }
    }

    @Override
    public void write(byte[] source, int offset, int count) {
        long keep = Math.max(0, Math.min(count, limit - size));
        size += count;
        chunks.append(source, offset, (int) keep);
        signature.update(source, offset, (int) keep);
        if (copy != null) {
            copy.write(source, offset, (int) keep);
        }
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

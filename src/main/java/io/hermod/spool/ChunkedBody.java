package io.hermod.spool;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A message body on its way into the spool: bytes are buffered up to a chunk and each full chunk is
 * handed to {@link MessageStore#writeChunk} at once, so a large body is never held whole in memory;
 * the last chunk is kept for the commit. Not thread-safe: one writer (an SMTP session, an HTTP
 * injection) owns it. How the writer waits for chunk writes is its own business: {@code onChunk} is
 * told about each one.
 *
 * <p><b>Memory.</b> Every buffer this body allocates is charged to the {@link MemoryBudget}: the
 * buffer being filled while it is filled, a chunk handed to the spool until the spool has written it
 * (whether the write succeeds or not), the last chunk until {@link #release()}. A writer that must
 * not go past the budget {@link #reserve}s ahead what the next bytes will need and appends no more
 * than that; {@link #append} charges whatever was not reserved, even past the capacity.
 *
 * <p>Chunks are {@code chunkSize} bytes but for the last, unless {@link #flush()} cut one short;
 * readers take chunks as they come and never assume their size.
 */
public final class ChunkedBody {

    private static final int INITIAL_CAPACITY = 8 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final MessageStore store;
    private final MessageId id;
    private final int chunkSize;
    private final MemoryBudget budget;
    private final Consumer<CompletableFuture<Void>> onChunk;
    /** The first buffer's size: what the writer expects the body to need, up to a chunk. */
    private final int firstCapacity;
    /** Null once the last chunk is taken. Its length is charged to the budget. */
    private byte[] buffer = EMPTY;
    private int length;
    /** Reserved for buffers not allocated yet. */
    private long spare;
    /** The last chunk's length once taken: charged until {@link #release()}. */
    private long lastHeld;
    private int chunks;
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

    public ChunkedBody(MessageStore store, MessageId id, int chunkSize, MemoryBudget budget,
                       Consumer<CompletableFuture<Void>> onChunk) {
        this(store, id, chunkSize, budget, onChunk, INITIAL_CAPACITY);
    }

    /**
     * @param expectedSize the size the writer expects the body to have (a declared SIZE, the size of
     *                     the session's previous message): the first buffer takes that much, up to a
     *                     chunk, so that a body of about that size is neither grown by copying nor
     *                     given far more than it needs
     */
    public ChunkedBody(MessageStore store, MessageId id, int chunkSize, MemoryBudget budget,
                       Consumer<CompletableFuture<Void>> onChunk, int expectedSize) {
        this.store = store;
        this.id = id;
        this.chunkSize = chunkSize;
        this.budget = budget;
        this.onChunk = onChunk;
        this.firstCapacity = Math.max(1, Math.min(expectedSize, chunkSize));
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

    /** Bytes that can be appended without allocating a buffer. */
    public int room() {
        return buffer.length - length;
    }

    /**
     * Reserves what appending {@code count} more bytes would allocate, beyond what is reserved
     * already; false (and nothing reserved) when the budget cannot give it now.
     */
    public boolean reserve(int count) {
        long need = shortfall(count);
        if (need <= 0) {
            return true;
        }
        if (!budget.tryReserve(need)) {
            return false;
        }
        spare += need;
        return true;
    }

    /** What {@link #reserve} would still have to take for {@code count} more bytes. */
    public long shortfall(int count) {
        return allocationFor(count) - spare;
    }

    /** Adds bytes reserved elsewhere (granted to a waiter) to what this body may allocate. */
    public void credit(long bytes) {
        spare += bytes;
    }

    /** Gives back what is reserved but not allocated. */
    public void returnSpare() {
        budget.release(spare);
        spare = 0;
    }

    /**
     * The bytes that {@link #append} would allocate for {@code count} more bytes: each buffer grows
     * by doubling up to a chunk, a full chunk goes to the spool (its charge with it) and the next
     * buffer is a whole chunk.
     */
    long allocationFor(int count) {
        long allocation = 0;
        int len = length;
        int cap = buffer.length;
        int left = count;
        while (left > 0) {
            if (len == cap) {
                int next = nextCapacity(cap);
                allocation += next == cap ? next : next - cap;
                len = next == cap ? 0 : len;
                cap = next;
            }
            int fit = Math.min(left, cap - len);
            len += fit;
            left -= fit;
        }
        return allocation;
    }

    /** The capacity of the buffer after a full one of {@code capacity}; the same when it is a whole chunk. */
    private int nextCapacity(int capacity) {
        if (capacity == 0) {
            return firstCapacity;
        }
        return capacity < chunkSize ? Math.min(chunkSize, capacity * 2) : capacity;
    }

    private void makeRoom() {
        int next = nextCapacity(buffer.length);
        if (next > buffer.length) {
            charge(next - buffer.length);
            buffer = Arrays.copyOf(buffer, next);
            return;
        }
        byte[] full = buffer;
        hand(full);
        buffer = new byte[chunkSize];
        charge(chunkSize);
    }

    private void charge(long bytes) {
        if (spare >= bytes) {
            spare -= bytes;
        } else {
            budget.forceReserve(bytes - spare);
            spare = 0;
        }
    }

    /** Writes {@code chunk} as the next chunk; its charge goes back when the write is over. */
    private void hand(byte[] chunk) {
        length = 0;
        CompletableFuture<Void> write = store.writeChunk(id, chunks++, chunk);
        write.whenComplete((v, e) -> budget.release(chunk.length));
        written = written.thenCombine(write, (a, b) -> null);
        onChunk.accept(write);
    }

    /**
     * Hands what is buffered to the spool now as a chunk of its own, shorter than a whole one, so
     * that a body waiting for memory holds nothing the writer will not give back.
     */
    public void flush() {
        if (length == 0) {
            return;
        }
        byte[] part = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        budget.release(buffer.length - part.length);
        buffer = EMPTY;
        hand(part);
    }

    /** Chunks of the body: those handed to the spool plus the one being filled. */
    public int chunkCount() {
        return chunks + 1;
    }

    /** The last chunk, trimmed to its length; the buffer is released (the chunk stays charged until {@link #release()}). */
    public byte[] takeLastChunk() {
        byte[] last = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        budget.release(buffer.length - last.length + spare);
        spare = 0;
        lastHeld = last.length;
        buffer = null;
        return last;
    }

    /** Completes when every chunk handed to the spool so far has been written, or fails with the first error. */
    public CompletableFuture<Void> written() {
        return written;
    }

    /**
     * Gives back everything this body still holds: the buffer being filled (which is dropped) or the
     * last chunk once committed or abandoned, and what is reserved. Chunks handed to the spool give
     * theirs back as they are written. Idempotent.
     */
    public void release() {
        long held = (buffer == null ? lastHeld : buffer.length) + spare;
        buffer = null;
        length = 0;
        lastHeld = 0;
        spare = 0;
        budget.release(held);
    }

    /** Removes the chunks already handed to the spool, for a message that will not be committed, and releases the rest. */
    public void discard() {
        if (chunks > 0) {
            store.discard(id, chunks);
        }
        release();
    }
}

package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A body cut into chunks, and what it charges to the memory budget while it is buffered and written. */
class ChunkedBodyTest {

    private static final int CHUNK = 1024;

    /** Chunk writes stay pending until the test completes them, as a busy writer's would. */
    private static final class PendingStore implements MessageStore {
        final List<byte[]> chunks = new ArrayList<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();

        @Override
        public MessageId newId() {
            return new MessageId(1);
        }

        @Override
        public CompletableFuture<Void> writeChunk(MessageId id, int index, byte[] chunk) {
            chunks.add(chunk);
            CompletableFuture<Void> write = new CompletableFuture<>();
            writes.add(write);
            return write;
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk, byte[] prefix) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> discard(MessageId id, int chunkCount) {
            return CompletableFuture.completedFuture(null);
        }

        void completeAll() {
            writes.forEach(w -> w.complete(null));
        }
    }

    private final PendingStore store = new PendingStore();
    private final MemoryBudget budget = new MemoryBudget(16 * CHUNK);
    private final ChunkedBody body = new ChunkedBody(store, new MessageId(1), CHUNK, budget, w -> { });

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Test
    void reservedAhead_appendsWithinTheReservation_andNeverPastTheBudget() {
        byte[] data = bytes(3000);
        assertThat(body.reserve(data.length)).isTrue();
        long reserved = budget.used();

        body.append(data, 0, data.length);

        assertThat(budget.used()).as("allocation was foreseen exactly").isEqualTo(reserved);
        assertThat(store.chunks).hasSize(2).allSatisfy(c -> assertThat(c).hasSize(CHUNK));
        assertThat(budget.used()).isEqualTo(3L * CHUNK);
    }

    @Test
    void expectedSize_isTheFirstBuffer_andAnythingMoreGrowsItByDoubling() {
        ChunkedBody sized = new ChunkedBody(store, new MessageId(2), 4 * CHUNK, budget, w -> { }, 300);

        assertThat(sized.allocationFor(300)).as("a body of the expected size: one buffer of that size").isEqualTo(300);
        assertThat(sized.allocationFor(301)).isEqualTo(600);
        byte[] data = bytes(450);
        assertThat(sized.reserve(data.length)).isTrue();
        sized.append(data, 0, data.length);

        assertThat(budget.used()).as("allocation was foreseen exactly").isEqualTo(600);
        assertThat(sized.takeLastChunk()).isEqualTo(data);
        sized.release();
        assertThat(budget.used()).isZero();
    }

    @Test
    void expectedSize_aboveAChunk_startsWithAWholeChunk() {
        ChunkedBody sized = new ChunkedBody(store, new MessageId(2), CHUNK, budget, w -> { }, 50 * CHUNK);

        assertThat(sized.allocationFor(10)).isEqualTo(CHUNK);
    }

    @Test
    void chunkHandedToTheSpool_staysChargedUntilWritten() {
        body.append(bytes(CHUNK + 10), 0, CHUNK + 10);
        long beforeWrite = budget.used();

        store.completeAll();

        assertThat(budget.used()).isEqualTo(beforeWrite - CHUNK);
    }

    @Test
    void reserve_thatTheBudgetCannotGive_takesNothing() {
        budget.tryReserve(15 * CHUNK);
        long before = budget.used();

        assertThat(body.reserve(3 * CHUNK)).isFalse();
        assertThat(budget.used()).isEqualTo(before);
        assertThat(body.shortfall(3 * CHUNK)).isGreaterThan(CHUNK);
    }

    @Test
    void flush_handsAShortChunk_andHoldsNothingOnceWritten() {
        body.append(bytes(700), 0, 700);

        body.flush();
        assertThat(store.chunks).singleElement().satisfies(c -> assertThat(c).hasSize(700));
        assertThat(body.room()).isZero();
        store.completeAll();

        assertThat(budget.used()).isZero();
        byte[] rest = bytes(100);
        body.append(rest, 0, 100);
        assertThat(body.chunkCount()).isEqualTo(2);
    }

    @Test
    void lastChunk_staysChargedUntilReleased_andReleaseIsIdempotent() {
        body.append(bytes(CHUNK + 300), 0, CHUNK + 300);
        store.completeAll();

        byte[] last = body.takeLastChunk();
        assertThat(last).hasSize(300);
        assertThat(budget.used()).isEqualTo(300);

        body.release();
        body.release();
        assertThat(budget.used()).isZero();
    }

    @Test
    void discard_givesBackTheBuffer_andChunksInFlightGiveTheirsWhenWritten() {
        body.reserve(5000);
        body.append(bytes(2500), 0, 2500);

        body.discard();
        assertThat(budget.used()).isEqualTo(2L * CHUNK);
        store.completeAll();

        assertThat(budget.used()).isZero();
    }

    @Test
    void chunks_reassembleToWhatWasAppended_acrossFlushes() {
        byte[] data = bytes(5000);
        body.append(data, 0, 1500);
        body.flush();
        body.append(data, 1500, 3500);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        store.chunks.forEach(all::writeBytes);
        all.writeBytes(body.takeLastChunk());

        assertThat(Arrays.equals(all.toByteArray(), data)).isTrue();
        assertThat(body.chunkCount()).isEqualTo(store.chunks.size() + 1);
    }
}

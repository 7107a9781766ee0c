package io.hermod.intake;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.MessageStore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MessageStore} in memory. Chunks are stored when written (in submission order, as the
 * spool's single writer applies them) and dropped again if the test fails the write; a commit is
 * recorded when called and stores its last chunk only when it succeeds. With {@code manual}, every
 * future stays pending until the test completes or fails it by hand.
 */
final class InMemoryMessageStore implements MessageStore {

    /** Ids start here so that two stores hand out the same ids in the same order. */
    static final long FIRST_ID = 0x0000_18E5_0000_0001L;

    record ChunkWrite(MessageId id, int index, CompletableFuture<Void> future) {
    }

    record Commit(Envelope envelope, byte[] lastChunk, byte[] prefix, CompletableFuture<Void> future) {
    }

    record Discard(MessageId id, int chunkCount) {
    }

    private final boolean manual;
    private long nextId = FIRST_ID;
    private final Map<MessageId, TreeMap<Integer, byte[]>> chunks = new HashMap<>();
    final List<ChunkWrite> chunkWrites = new ArrayList<>();
    final List<Commit> commits = new ArrayList<>();
    final List<Envelope> committed = new ArrayList<>();
    final List<Discard> discards = new ArrayList<>();

    InMemoryMessageStore(boolean manual) {
        this.manual = manual;
    }

    @Override
    public MessageId newId() {
        return new MessageId(nextId++);
    }

    @Override
    public CompletableFuture<Void> writeChunk(MessageId id, int index, byte[] chunk) {
        chunks.computeIfAbsent(id, k -> new TreeMap<>()).put(index, chunk);
        CompletableFuture<Void> future = new CompletableFuture<>();
        chunkWrites.add(new ChunkWrite(id, index, future));
        if (!manual) {
            future.complete(null);
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk) {
        return commit(envelope, lastChunk, null);
    }

    /** The prefix (DKIM signatures) is kept as the commit's {@code prefix}. */
    @Override
    public CompletableFuture<Void> commit(Envelope envelope, byte[] lastChunk, byte[] prefix) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        Commit commit = new Commit(envelope, lastChunk, prefix, future);
        commits.add(commit);
        if (!manual) {
            completeCommit(commits.size() - 1);
        }
        return future;
    }

    @Override
    public CompletableFuture<Void> discard(MessageId id, int chunkCount) {
        discards.add(new Discard(id, chunkCount));
        TreeMap<Integer, byte[]> stored = chunks.get(id);
        if (stored != null) {
            stored.headMap(chunkCount).clear();
            if (stored.isEmpty()) {
                chunks.remove(id);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    void completeChunkWrite(int n) {
        chunkWrites.get(n).future().complete(null);
    }

    void failChunkWrite(int n) {
        ChunkWrite write = chunkWrites.get(n);
        TreeMap<Integer, byte[]> stored = chunks.get(write.id());
        if (stored != null) {
            stored.remove(write.index());
        }
        write.future().completeExceptionally(new IllegalStateException("disk full (test)"));
    }

    void completeCommit(int n) {
        Commit commit = commits.get(n);
        Envelope envelope = commit.envelope();
        if (commit.lastChunk() != null) {
            chunks.computeIfAbsent(envelope.id(), k -> new TreeMap<>())
                    .put(envelope.chunkCount() - 1, commit.lastChunk());
        }
        committed.add(envelope);
        commit.future().complete(null);
    }

    void failCommit(int n) {
        commits.get(n).future().completeExceptionally(new IllegalStateException("fsync failed (test)"));
    }

    int pendingChunkWrites() {
        return (int) chunkWrites.stream().filter(w -> !w.future().isDone()).count();
    }

    /** The chunks stored for {@code id}, by index; empty when none is. */
    Map<Integer, byte[]> chunks(MessageId id) {
        return chunks.getOrDefault(id, new TreeMap<>());
    }

    /** The committed body of {@code envelope}: chunks 0 .. chunkCount-1, which must all be there. */
    byte[] body(Envelope envelope) {
        Map<Integer, byte[]> stored = chunks(envelope.id());
        if (!stored.keySet().equals(indexes(envelope.chunkCount()))) {
            throw new AssertionError("chunks " + stored.keySet() + " for a body of " + envelope.chunkCount());
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        stored.values().forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static Set<Integer> indexes(int count) {
        Set<Integer> set = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            set.add(i);
        }
        return set;
    }
}

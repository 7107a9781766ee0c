package io.hermod.spool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The spool's single writer. Callers on any thread submit a write and get a future; one thread
 * takes the first waiting write, drains everything else that is waiting into the same
 * {@link WriteBatch}, and writes it, with {@code sync=true} when any write in it must be durable.
 * While that fsync runs, new writes queue up and form the next batch: the number of fsyncs follows
 * the number of batches, not the number of messages.
 *
 * <p>Every batch's outcome feeds {@link WriteHealth}. While writes fail and none arrive, a tiny synced
 * probe write once a second finds out when the disk is back, so a spool that readiness took out of
 * service (and so gets no new mail) still returns to it.
 */
final class GroupCommitWriter implements AutoCloseable {

    /** What a write puts into the batch; called on the writer thread, in the order of submission. */
    @FunctionalInterface
    interface BatchContent {
        void addTo(Batch batch) throws RocksDBException;
    }

    /**
     * The batch being built. It also remembers the messages that a write earlier in it removes: the
     * database does not show that until the batch is written, and a later write must not bring
     * back part of such a message.
     */
    static final class Batch {
        private final WriteBatch writes;
        private final Set<MessageId> removed = new HashSet<>();
        /** Recipients that a write earlier in this batch recorded final, per message. */
        private final java.util.Map<MessageId, Set<Integer>> finals = new java.util.HashMap<>();

        private Batch(WriteBatch writes) {
            this.writes = writes;
        }

        WriteBatch writes() {
            return writes;
        }

        void removes(MessageId id) {
            removed.add(id);
        }

        boolean removedEarlier(MessageId id) {
            return removed.contains(id);
        }

        void recordsFinal(MessageId id, int index) {
            finals.computeIfAbsent(id, k -> new HashSet<>()).add(index);
        }

        /** The recipients of {@code id} that writes earlier in this batch recorded final. */
        Set<Integer> finalEarlier(MessageId id) {
            return finals.getOrDefault(id, Set.of());
        }
    }

    private record Pending(BatchContent content, long bytes, boolean durable, CompletableFuture<Void> done) {
    }

    /** Caps one batch so a burst of large bodies does not build a giant native buffer. */
    private static final long MAX_BATCH_BYTES = 32L * 1024 * 1024;
    private static final Pending STOP = new Pending(b -> { }, 0, false, new CompletableFuture<>());
    private static final long PROBE_INTERVAL_MILLIS = 1_000;
    private static final byte[] PROBE_KEY = "writable-probe".getBytes(StandardCharsets.US_ASCII);

    private final RocksDB db;
    private final ColumnFamilyHandle probeFamily;
    private final WriteHealth health = new WriteHealth();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions().setSync(false);
    private final CommitListener listener;
    private final WriteHook hook;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code probeFamily} holds only the probe's key (a delete of it is the probe write). */
    GroupCommitWriter(RocksDB db, ColumnFamilyHandle probeFamily, CommitListener listener, WriteHook hook) {
        this.db = db;
        this.probeFamily = probeFamily;
        this.hook = hook;
        this.listener = listener;
        this.thread = new Thread(this::run, "hermod-spool-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    CompletableFuture<Void> submit(BatchContent content, long bytes, boolean durable) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (!closed) {
                queue.add(new Pending(content, bytes, durable, done));
                return done;
            }
        }
        done.completeExceptionally(new SpoolException("spool is closed", null));
        return done;
    }

    /** False from a failed write until a write (or probe) succeeds. */
    boolean writable() {
        return health.writable();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = health.writable() ? queue.take() : queue.poll(PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(queue, new SpoolException("spool writer interrupted", e));
                return;
            }
            if (first == null) {
                probe();
                continue;
            }
            if (first == STOP) {
                return;
            }
            batch.add(first);
            long bytes = first.bytes();
            boolean stop = false;
            Pending next;
            while (bytes < MAX_BATCH_BYTES && (next = queue.poll()) != null) {
                if (next == STOP) {
                    stop = true;
                    break;
                }
                batch.add(next);
                bytes += next.bytes();
            }
            write(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void write(List<Pending> batch) {
        boolean durable = false;
        for (Pending p : batch) {
            durable |= p.durable();
        }
        long start = System.nanoTime();
        Throwable failure = null;
        try (WriteBatch wb = new WriteBatch()) {
            Batch building = new Batch(wb);
            for (Pending p : batch) {
                p.content().addTo(building);
            }
            hook.beforeWrite();
            db.write(durable ? syncWrite : plainWrite, wb);
        } catch (RocksDBException | RuntimeException | Error e) {
            // Even an Error must fail the waiting writes, or their sessions would wait forever.
            failure = e;
        }
        long nanos = System.nanoTime() - start;
        if (failure == null) {
            health.succeeded();
        } else {
            health.failed(failure);
        }
        try {
            listener.batchWritten(batch.size(), durable, nanos, failure);
        } catch (RuntimeException ignored) {
            // a metrics hook must never stop the writer
        }
        for (Pending p : batch) {
            if (failure == null) {
                p.done().complete(null);
            } else {
                p.done().completeExceptionally(new SpoolException("spool write failed: " + failure.getMessage(), failure));
            }
        }
    }

    private void probe() {
        try (WriteBatch wb = new WriteBatch()) {
            wb.delete(probeFamily, PROBE_KEY);
            hook.beforeWrite();
            db.write(syncWrite, wb);
            health.succeeded();
        } catch (RocksDBException | RuntimeException | Error stillFailing) {
            // still unwritable: the first failure was logged, and the next probe comes in a second
        }
    }

    private static void failAll(LinkedBlockingQueue<Pending> queue, SpoolException e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(e);
        }
    }

    /** Writes everything already submitted, then stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(queue, new SpoolException("spool is closed", null));
        syncWrite.close();
        plainWrite.close();
    }
}

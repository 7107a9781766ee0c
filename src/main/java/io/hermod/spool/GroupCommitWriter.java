package io.hermod.spool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
 */
final class GroupCommitWriter implements AutoCloseable {

    /** What a write puts into the batch. */
    @FunctionalInterface
    interface BatchContent {
        void addTo(WriteBatch batch) throws RocksDBException;
    }

    private record Pending(BatchContent content, long bytes, boolean durable, CompletableFuture<Void> done) {
    }

    /** Caps one batch so a burst of large bodies does not build a giant native buffer. */
    private static final long MAX_BATCH_BYTES = 32L * 1024 * 1024;
    private static final Pending STOP = new Pending(b -> { }, 0, false, new CompletableFuture<>());

    private final RocksDB db;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions().setSync(false);
    private final CommitListener listener;
    private final Thread thread;
    private volatile boolean closed;

    GroupCommitWriter(RocksDB db, CommitListener listener) {
        this.db = db;
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

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(queue, new SpoolException("spool writer interrupted", e));
                return;
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
            for (Pending p : batch) {
                p.content().addTo(wb);
            }
            db.write(durable ? syncWrite : plainWrite, wb);
        } catch (RocksDBException | RuntimeException | Error e) {
            // Even an Error must fail the waiting writes, or their sessions would wait forever.
            failure = e;
        }
        long nanos = System.nanoTime() - start;
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

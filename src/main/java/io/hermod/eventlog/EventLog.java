package io.hermod.eventlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The event log file: event loops {@link #append} into a bounded queue, one daemon thread
 * ("hermod-event-log") drains it in batches and writes each batch as JSON lines with one write
 * (after an event it waits {@link #LINGER_NANOS} for the others of that moment).
 * When the queue is full the event is dropped and counted, and one EventLogOverflow line says
 * how many once the writer catches up: delivery never waits for its log.
 */
public final class EventLog implements EventSink, AutoCloseable {

    static final int DEFAULT_CAPACITY = 100_000;
    /** How long the writer waits after an event for more to join its write. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Bounds one write (and the encoder's buffer) to a few MB. */
    private static final int MAX_BATCH = 8_192;
    private static final System.Logger LOG = System.getLogger(EventLog.class.getName());

    private final Path file;
    private final WritableByteChannel out;
    /** Events, and the markers of flush() and close(), in the order they were handed over. */
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private final EventJson json = new EventJson();
    private final AtomicLong dropped = new AtomicLong();
    /** Dropped since the last overflow line. */
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Writer thread only: true while writes fail, so the failure is logged once, not per batch. */
    private boolean failing;
    /** Writer thread only: a failed write left part of a line in the file; end it before the next. */
    private boolean brokenLine;

    /** Marks a point in the queue: done once everything before it is written (and, for close, the file closed). */
    private static final class Marker {
        final boolean close;
        final CountDownLatch done = new CountDownLatch(1);

        Marker(boolean close) {
            this.close = close;
        }
    }

    EventLog(Path file, WritableByteChannel out, int capacity) {
        this.file = file;
        this.out = out;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.writer = new Thread(this::run, "hermod-event-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens {@code file} for append (creating it and its parent directories) and starts the writer.
     *
     * @throws UncheckedIOException naming the path when the file cannot be opened
     */
    public static EventLog open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new EventLog(file, channel, DEFAULT_CAPACITY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open event log " + file + ": " + reason(e), e);
        }
    }

    /** Queues the event; never blocks, never throws. Dropped (and counted) when the queue is full or the log closed. */
    @Override
    public void append(Event event) {
        if (event == null) {
            return;
        }
        if (closed.get()) {
            dropped.incrementAndGet();
        } else if (!queue.offer(event)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
        }
    }

    /** Blocks until every event appended before this call is written (or dropped). */
    @Override
    public void flush() {
        if (closed.get()) {
            join();
            return;
        }
        Marker marker = new Marker(false);
        try {
            queue.put(marker);
            LockSupport.unpark(writer);
            // close() may have stopped the writer before it reached the marker.
            while (!marker.done.await(50, TimeUnit.MILLISECONDS)) {
                if (!writer.isAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes everything queued, closes the file and stops the writer. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Marker marker = new Marker(true);
            boolean interrupted = false;
            while (true) {
                try {
                    queue.put(marker);
                    LockSupport.unpark(writer);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        join();
    }

    /** Events written to the file so far. */
    public long written() {
        return written.get();
    }

    /** Events lost so far: queue full, appended after close, or the write failed. */
    public long dropped() {
        return dropped.get();
    }

    public Path file() {
        return file;
    }

    private void join() {
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>(MAX_BATCH);
        boolean open = true;
        while (open) {
            Object first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                continue; // nobody but close() stops the writer, and it does so with a marker
            }
            batch.add(first);
            if (!(first instanceof Marker)) {
                // Let a batch form: one write and one wake-up for the events of the next moment, not one
                // for each (flush() and close() cut this short).
                LockSupport.parkNanos(LINGER_NANOS);
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            open = process(batch);
            batch.clear();
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event log " + file + ": close failed: " + e.getMessage());
        }
        // Appends that raced with close(): lost, counted, and no flush() left waiting.
        for (Object item; (item = queue.poll()) != null; ) {
            if (item instanceof Marker marker) {
                marker.done.countDown();
            } else {
                dropped.incrementAndGet();
            }
        }
    }

    /** Encodes and writes one batch; a marker first writes what precedes it. False once close is reached. */
    private boolean process(List<Object> batch) {
        int events = 0;
        try {
            for (Object item : batch) {
                if (item instanceof Event event) {
                    json.event(event);
                    events++;
                    continue;
                }
                Marker marker = (Marker) item;
                write(events);
                events = 0;
                if (marker.close) {
                    marker.done.countDown();
                    return false;
                }
                marker.done.countDown();
            }
            write(events);
            return true;
        } catch (RuntimeException e) {
            // Should not happen (the encoder takes any event); never let it kill the writer or strand flush().
            LOG.log(System.Logger.Level.ERROR, "event log " + file + ": cannot encode a batch", e);
            json.reset();
            boolean open = true;
            for (Object item : batch) {
                if (item instanceof Marker marker) {
                    marker.done.countDown();
                    open &= !marker.close;
                }
            }
            return open;
        }
    }

    /**
     * Writes the encoded lines, preceded by an overflow line when events were dropped, with one
     * write call. No fsync: the spool is the durable record; the log is for people and shippers.
     */
    private void write(int events) {
        long overflow = unreported.getAndSet(0);
        if (overflow > 0) {
            json.overflow(System.currentTimeMillis(), overflow, dropped.get());
        }
        if (json.length() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(json.bytes(), 0, json.length());
        try {
            if (brokenLine) {
                ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
                while (newline.hasRemaining()) {
                    out.write(newline);
                }
                brokenLine = false;
            }
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            written.addAndGet(events);
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "event log " + file + ": writing again");
            }
        } catch (IOException e) {
            brokenLine |= bytes.position() > 0;
            dropped.addAndGet(events);
            unreported.addAndGet(overflow + events);
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.ERROR, "event log " + file + ": write failed, dropping events until it"
                        + " works again: " + e.getMessage());
            }
        } finally {
            json.reset();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        if (e instanceof FileSystemException fs) {
            return e.getClass().getSimpleName() + " " + fs.getFile();
        }
        return String.valueOf(e.getMessage());
    }
}

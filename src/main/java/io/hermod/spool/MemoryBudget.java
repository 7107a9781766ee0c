package io.hermod.spool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one budget for bytes of mail in progress ({@code smtp.max_buffered_bytes}): SMTP body buffers,
 * body chunks waiting for the spool's writer, HTTP injection bodies. A holder reserves before it
 * buffers and releases when the bytes are stored or dropped; chunks handed to the writer keep their
 * reservation until the writer has written them, so the writer's queue of bodies is bounded by the
 * budget too. The writer never waits for the budget, so what it holds is always given back.
 *
 * <p>Any thread may reserve and release. The common path is one compare-and-set on an
 * {@link AtomicLong}; the queue of waiters, under this object's lock, is touched only when the
 * budget was full. Waiters are served in the order they came, and while any waits,
 * {@link #tryReserve} takes nothing, so a stream of small reservations cannot starve a waiter.
 *
 * <p>A reservation larger than the whole capacity is granted only when nothing else is held, so it
 * can neither wait forever nor be refused for good.
 */
public final class MemoryBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Waiters in the queue; read without the lock on the common path. */
    private volatile int waiting;
    private final LongAdder pauses = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    public MemoryBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** A budget nothing fills: for tests and tools that buffer what they like. */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved now. */
    public long used() {
        return used.get();
    }

    /** Takes {@code bytes} if they fit now and nobody is waiting; otherwise takes nothing. */
    public boolean tryReserve(long bytes) {
        return waiting == 0 && take(bytes);
    }

    /**
     * Takes {@code bytes} whether or not they fit, for memory already allocated (or about to be) that
     * nobody can refuse any more; the next reservations wait until enough is released.
     */
    public void forceReserve(long bytes) {
        used.addAndGet(bytes);
    }

    /** Gives back bytes taken earlier and wakes the waiters that now fit, in order. */
    public void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        used.addAndGet(-bytes);
        if (waiting > 0) {
            wake();
        }
    }

    /**
     * Waits in line for {@code bytes}: once they are taken, {@code granted} runs on {@code executor}
     * (unless the wait was cancelled first, on that same executor). The caller then holds them.
     */
    public Waiter reserveWhenFree(long bytes, Executor executor, Runnable granted) {
        Waiter waiter = new Waiter(bytes, executor, granted);
        synchronized (this) {
            waiters.add(waiter);
            waiting = waiters.size();
        }
        wake(); // what was released between a failed tryReserve and now
        return waiter;
    }

    private boolean take(long bytes) {
        long most = bytes > capacity ? 0 : capacity - bytes;
        while (true) {
            long current = used.get();
            if (current > most) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    private void wake() {
        List<Waiter> granted = new ArrayList<>(1);
        synchronized (this) {
            Waiter head;
            while ((head = waiters.peek()) != null && take(head.bytes)) {
                waiters.poll();
                head.granted = true;
                granted.add(head);
            }
            waiting = waiters.size();
        }
        for (Waiter w : granted) {
            w.executor.execute(w::deliver);
        }
    }

    /** Counts one holder that stopped reading because the budget was full ({@code action="paused"}). */
    public void recordPause() {
        pauses.increment();
    }

    /** Counts one message refused because the budget stayed full ({@code action="refused"}). */
    public void recordRefusal() {
        refusals.increment();
    }

    public long pauses() {
        return pauses.sum();
    }

    public long refusals() {
        return refusals.sum();
    }

    /** A place in the line for bytes. */
    public final class Waiter {
        private final long bytes;
        private final Executor executor;
        private final Runnable onGranted;
        /** Guarded by the budget's lock. */
        private boolean granted;
        /** Granted and delivered, or cancelled; read and written on the waiter's executor only. */
        private boolean finished;

        private Waiter(long bytes, Executor executor, Runnable onGranted) {
            this.bytes = bytes;
            this.executor = executor;
            this.onGranted = onGranted;
        }

        public long bytes() {
            return bytes;
        }

        private void deliver() {
            if (!finished) {
                finished = true;
                onGranted.run();
            }
        }

        /**
         * Leaves the line; if the bytes were granted but the grant has not run yet, they are given
         * back and it will not run. After the grant has run this does nothing (the holder owns the
         * bytes). Call it on the waiter's executor.
         */
        public void cancel() {
            if (finished) {
                return;
            }
            finished = true;
            boolean wasGranted;
            synchronized (MemoryBudget.this) {
                wasGranted = granted;
                if (!wasGranted) {
                    waiters.remove(this);
                    waiting = waiters.size();
                }
            }
            if (wasGranted) {
                release(bytes);
            } else if (waiting > 0) {
                wake(); // the head may have been this one, blocking those behind it
            }
        }
    }
}

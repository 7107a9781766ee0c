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
 * <p>Work in progress comes first. New work (an SMTP DATA phase, an HTTP injection) is
 * {@link #tryAdmit admitted} only while a quarter of the budget stays free after it, and waits
 * behind any holder that needs more to finish: so what holders keep while they wait (the new work's
 * fixed reservations) never takes more than three quarters, and a holder's next step (at most a
 * quarter of the budget) always comes free once the writer has stored what is in flight.
 *
 * <p>Any thread may reserve and release. The common path is one compare-and-set on an
 * {@link AtomicLong}; the queues of waiters, under this object's lock, are touched only when the
 * budget was full. Waiters of each kind are served in the order they came, holders before new
 * work, and while any waits {@link #tryReserve} and {@link #tryAdmit} take nothing, so a stream of
 * small reservations cannot starve a waiter.
 *
 * <p>A reservation larger than the whole capacity is granted only when nothing else is held, so it
 * can neither wait forever nor be refused for good.
 */
public final class MemoryBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();
    private final long admissionLimit;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final ArrayDeque<Waiter> newcomers = new ArrayDeque<>();
    /** Waiters in both queues; read without the lock on the common path. */
    private volatile int waiting;
    private final LongAdder pauses = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    public MemoryBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.admissionLimit = capacity - capacity / 4;
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
        return waiting == 0 && take(bytes, capacity);
    }

    /** Takes {@code bytes} for new work if a quarter of the budget stays free after them and nobody waits. */
    public boolean tryAdmit(long bytes) {
        return waiting == 0 && take(bytes, admissionLimit);
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
        return enqueue(new Waiter(bytes, executor, granted, waiters));
    }

    /** As {@link #reserveWhenFree}, for new work: served after every holder, within the admission limit. */
    public Waiter admitWhenFree(long bytes, Executor executor, Runnable granted) {
        return enqueue(new Waiter(bytes, executor, granted, newcomers));
    }

    private Waiter enqueue(Waiter waiter) {
        synchronized (this) {
            waiter.line.add(waiter);
            waiting = waiters.size() + newcomers.size();
        }
        wake(); // what was released between a failed tryReserve and now
        return waiter;
    }

    private boolean take(long bytes, long limit) {
        long most = bytes > limit ? 0 : limit - bytes;
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
            while ((head = waiters.peek()) != null && take(head.bytes, capacity)) {
                waiters.poll();
                head.granted = true;
                granted.add(head);
            }
            while (waiters.isEmpty() && (head = newcomers.peek()) != null && take(head.bytes, admissionLimit)) {
                newcomers.poll();
                head.granted = true;
                granted.add(head);
            }
            waiting = waiters.size() + newcomers.size();
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
        private final ArrayDeque<Waiter> line;
        /** Guarded by the budget's lock. */
        private boolean granted;
        /** Granted and delivered, or cancelled; read and written on the waiter's executor only. */
        private boolean finished;

        private Waiter(long bytes, Executor executor, Runnable onGranted, ArrayDeque<Waiter> line) {
            this.bytes = bytes;
            this.executor = executor;
            this.onGranted = onGranted;
            this.line = line;
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
                    line.remove(this);
                    waiting = waiters.size() + newcomers.size();
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

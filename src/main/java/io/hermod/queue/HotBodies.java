package io.hermod.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bodies kept in memory between acceptance and the first delivery attempt. Under that
 * bound the first attempt sends the bytes intake already had; over it, or after a deferral, the
 * body is read back from the spool, so a queue that grows never grows the heap with it.
 */
final class HotBodies {

    static final long DEFAULT_LIMIT = 64L * 1024 * 1024;

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    HotBodies(long limit) {
        this.limit = limit;
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long current = held.get();
            if (current + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }
}

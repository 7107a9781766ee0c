package io.hermod.cluster.handoff;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the current (or last) hand-off stands, for the API, the log and the meters. Written by the
 * hand-off's thread, read from anywhere.
 */
public final class HandoffProgress {

    /** {@code STOPPING}: intake closed, waiting for deliveries in flight; {@code MOVING}: transferring. */
    public enum State { IDLE, STOPPING, MOVING, DONE, FAILED }

    private final AtomicLong moved = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile State state = State.IDLE;
    private volatile URI to;
    private volatile long startedMillis;
    private volatile long finishedMillis;
    private volatile String error = "";

    public State state() {
        return state;
    }

    public URI to() {
        return to;
    }

    public long moved() {
        return moved.get();
    }

    public long failed() {
        return failed.get();
    }

    public long startedMillis() {
        return startedMillis;
    }

    public long finishedMillis() {
        return finishedMillis;
    }

    /** Why the last hand-off failed; empty when it did not. */
    public String error() {
        return error;
    }

    public boolean running() {
        return state == State.STOPPING || state == State.MOVING;
    }

    public void start(URI target, long now) {
        to = target;
        startedMillis = now;
        finishedMillis = 0;
        error = "";
        state = State.STOPPING;
    }

    void moving() {
        state = State.MOVING;
    }

    void moved(int count) {
        moved.addAndGet(count);
    }

    void failed(int count) {
        failed.addAndGet(count);
    }

    void finish(String failure, long now) {
        finishedMillis = now;
        error = failure == null ? "" : failure;
        state = failure == null ? State.DONE : State.FAILED;
    }
}

package io.hermod.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A {@link SessionChannel} that keeps every {@code send} as its own write and logs pause, resume
 * and close in the order they happened, interleaved with the writes.
 */
final class RecordingChannel implements SessionChannel {

    private final Executor executor;
    final List<byte[]> writes = new ArrayList<>();
    /** {@code "send"}, {@code "pause"}, {@code "resume"}, {@code "close"}, in call order. */
    final List<String> events = new ArrayList<>();
    private boolean paused;
    private boolean closed;

    RecordingChannel(Executor executor) {
        this.executor = executor;
    }

    @Override
    public void send(byte[] bytes) {
        if (closed) {
            throw new AssertionError("send after close: " + new String(bytes, StandardCharsets.UTF_8));
        }
        writes.add(bytes.clone());
        events.add("send");
    }

    @Override
    public void close() {
        closed = true;
        events.add("close");
    }

    @Override
    public void pauseInput() {
        if (paused) {
            throw new AssertionError("paused twice");
        }
        paused = true;
        events.add("pause");
    }

    @Override
    public void resumeInput() {
        if (!paused) {
            throw new AssertionError("resumed without a pause");
        }
        paused = false;
        events.add("resume");
    }

    @Override
    public Executor executor() {
        return executor;
    }

    boolean paused() {
        return paused;
    }

    boolean closed() {
        return closed;
    }
}

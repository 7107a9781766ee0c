package io.hermod.intake;

import java.util.concurrent.Executor;

/** The session's view of its connection; the verticle adapts a {@code NetSocket} to it. */
public interface SessionChannel {

    void send(byte[] bytes);

    /** Closes the connection after what was sent has been written. */
    void close();

    void pauseInput();

    void resumeInput();

    /** Runs a task on the session's own thread (its event loop). */
    Executor executor();
}

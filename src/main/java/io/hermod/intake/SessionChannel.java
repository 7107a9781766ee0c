package io.hermod.intake;

import java.util.concurrent.CompletableFuture;
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

    /** Whether the connection is encrypted (implicit TLS, or after {@link #startTls}). */
    default boolean secure() {
        return false;
    }

    /**
     * Sends {@code reply} (the 220 to STARTTLS) in plain text and starts the TLS handshake right
     * after it. From this call until the returned future completes the channel delivers no input:
     * whatever the client sent in plain text after STARTTLS is dropped, never read as if it had come
     * over TLS (the command injection of CVE-2011-0411). The future completes on the session's
     * thread, before any byte read over TLS is delivered; it fails when the handshake fails.
     */
    default CompletableFuture<Void> startTls(byte[] reply) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this channel has no TLS"));
    }
}

package io.hermod.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link SessionChannel} that can start TLS: {@link #startTls} records the 220 as a write and
 * waits until the test ends the handshake with {@link #completeHandshake()} or {@link #failHandshake()}.
 * Events are logged in order: send, pause, resume, close, starttls.
 */
final class TlsTestChannel implements SessionChannel {

    private final Executor executor;
    final List<byte[]> writes = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    private boolean secure;
    private boolean closed;
    private CompletableFuture<Void> handshake;

    TlsTestChannel(Executor executor, boolean secure) {
        this.executor = executor;
        this.secure = secure;
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
        events.add("pause");
    }

    @Override
    public void resumeInput() {
        events.add("resume");
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public CompletableFuture<Void> startTls(byte[] reply) {
        if (handshake != null || secure) {
            throw new AssertionError("STARTTLS twice");
        }
        writes.add(reply.clone());
        events.add("starttls");
        handshake = new CompletableFuture<>();
        return handshake;
    }

    boolean handshaking() {
        return handshake != null && !handshake.isDone();
    }

    void completeHandshake() {
        secure = true;
        handshake.complete(null);
    }

    void failHandshake() {
        handshake.completeExceptionally(new javax.net.ssl.SSLHandshakeException("test"));
    }

    boolean closed() {
        return closed;
    }
}

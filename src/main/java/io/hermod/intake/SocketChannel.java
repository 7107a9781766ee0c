package io.hermod.intake;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * Adapts a socket to the session: pauses reading while the client does not read our replies, and
 * after STARTTLS runs every byte in both directions through a {@link TlsConnection}.
 */
final class SocketChannel implements SessionChannel {

    private static final System.Logger LOG = System.getLogger(SocketChannel.class.getName());

    private final NetSocket socket;
    private final Executor executor;
    private final TlsCredentials credentials;
    private Input session;
    private TlsConnection tls;
    private boolean secure;
    private boolean sessionPaused;
    private boolean writePaused;

    /** @param credentials for STARTTLS; null when {@code tls.*} is unset */
    SocketChannel(NetSocket socket, Context context, TlsCredentials credentials) {
        this.socket = socket;
        this.credentials = credentials;
        this.secure = socket.isSsl();
        this.executor = task -> context.runOnContext(v -> task.run());
        socket.drainHandler(v -> {
            writePaused = false;
            applyPause();
        });
    }

    /** Where the bytes read go: the session, which may keep the array (it is never reused here). */
    interface Input {
        void accept(byte[] bytes, int offset, int length);
    }

    /** Starts reading: every byte read goes to {@code input}, decrypted first once STARTTLS has begun. */
    void deliverTo(Input input) {
        this.session = input;
        socket.handler(buffer -> {
            if (tls != null) {
                tls.fromNetwork(buffer.getBytes());
                return;
            }
            // Vert.x hands each read over in a heap buffer of its own (a "safe" copy of Netty's pooled
            // one), so its array goes to the session as it is: no second copy per read.
            ByteBuf bytes = buffer instanceof BufferInternal internal ? internal.getByteBuf() : null;
            if (bytes != null && bytes.hasArray()) {
                session.accept(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            } else {
                byte[] copy = buffer.getBytes();
                session.accept(copy, 0, copy.length);
            }
        });
    }

    @Override
    public void send(byte[] bytes) {
        if (tls != null) {
            tls.write(bytes);
        } else {
            write(bytes);
        }
    }

    private void write(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
        if (socket.writeQueueFull()) {
            writePaused = true;
            applyPause();
        }
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        socket.end();
    }

    @Override
    public void pauseInput() {
        sessionPaused = true;
        applyPause();
    }

    @Override
    public void resumeInput() {
        sessionPaused = false;
        applyPause();
    }

    private void applyPause() {
        if (sessionPaused || writePaused) {
            socket.pause();
        } else {
            socket.resume();
        }
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    /**
     * The 220 goes out in plain text; every byte read from then on belongs to the handshake. The
     * session dropped what followed STARTTLS in the same read, so nothing sent in plain text after
     * it can pass as having come over TLS.
     */
    @Override
    public CompletableFuture<Void> startTls(byte[] reply) {
        if (credentials == null || secure || tls != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("TLS is not available here"));
        }
        write(reply);
        CompletableFuture<Void> done = new CompletableFuture<>();
        tls = new TlsConnection(credentials.newEngine(), new TlsConnection.Peer() {
            @Override
            public void toNetwork(byte[] bytes) {
                write(bytes);
            }

            @Override
            public void toApplication(byte[] bytes) {
                session.accept(bytes, 0, bytes.length);
            }

            @Override
            public void handshakeDone() {
                secure = true;
                done.complete(null);
            }

            @Override
            public void closed(SSLException failure) {
                if (failure != null) {
                    LOG.log(System.Logger.Level.DEBUG, "TLS with " + socket.remoteAddress() + " failed: " + failure);
                }
                done.completeExceptionally(failure != null ? failure : new SSLException("closed during handshake"));
                socket.end();
            }
        });
        tls.begin();
        return done;
    }
}

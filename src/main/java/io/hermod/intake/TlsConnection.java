package io.hermod.intake;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The server side of TLS over one connection's bytes, driven by a JDK {@link SSLEngine}: bytes
 * from the network in, plain text out to the session; plain text in, bytes for the network out.
 *
 * <p>STARTTLS uses this rather than Vert.x's {@code NetSocket.upgradeToSsl}, which in Vert.x 5.0.8
 * works only on the first instance of a shared server: the other instances have no SSL context
 * manager and fail with a NullPointerException, so STARTTLS would break on all event loops but one.
 * Doing it here also draws the plain-text/TLS boundary exactly where the STARTTLS line ends: every
 * byte the socket delivers after the upgrade goes to the engine, so injected plain text can only
 * fail the handshake.
 *
 * <p>Not thread-safe: the connection's event loop makes every call. Decrypted bytes are handed on
 * only after {@link Peer#handshakeDone()}, in order.
 */
final class TlsConnection {

    /** Where the bytes go. */
    interface Peer {
        /** Encrypted bytes (handshake, records, alerts) to write to the socket. */
        void toNetwork(byte[] bytes);

        /** Decrypted bytes for the session. */
        void toApplication(byte[] bytes);

        void handshakeDone();

        /** The peer closed TLS (failure null) or TLS failed; nothing more will come. */
        void closed(SSLException failure);
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Peer peer;
    private final Queue<byte[]> writesBeforeHandshake = new ArrayDeque<>();
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean handshakeDone;
    private boolean finished;
    private boolean progressing;

    TlsConnection(SSLEngine engine, Peer peer) {
        this.engine = engine;
        this.peer = peer;
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** Starts the handshake; the client speaks first. */
    void begin() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        progress();
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    void fromNetwork(byte[] data) {
        if (finished) {
            return;
        }
        netIn = room(netIn, data.length);
        netIn.put(data);
        progress();
    }

    /** Encrypts plain text; what is written before the handshake is done waits for it. */
    void write(byte[] plain) {
        if (finished) {
            return;
        }
        if (!handshakeDone) {
            writesBeforeHandshake.add(plain);
            return;
        }
        try {
            wrap(ByteBuffer.wrap(plain));
        } catch (SSLException e) {
            fail(e);
            return;
        }
        progress();
    }

    /** Sends close_notify; the caller closes the socket. */
    void close() {
        if (finished) {
            return;
        }
        finished = true;
        engine.closeOutbound();
        try {
            wrap(EMPTY);
        } catch (SSLException ignored) {
            // closing anyway
        }
    }

    /** Runs the engine until it needs bytes the client has not sent yet. Never nested. */
    private void progress() {
        if (progressing) {
            return;
        }
        progressing = true;
        try {
            boolean moved = true;
            while (moved && !finished) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    moved = true;
                } else if (status == HandshakeStatus.NEED_WRAP) {
                    wrap(EMPTY);
                    moved = true;
                } else {
                    checkHandshakeDone();
                    moved = netIn.position() > 0 && unwrap();
                }
            }
            checkHandshakeDone();
        } catch (SSLException e) {
            fail(e);
        } finally {
            progressing = false;
        }
    }

    private void checkHandshakeDone() throws SSLException {
        if (handshakeDone || finished || engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            return;
        }
        handshakeDone = true;
        peer.handshakeDone();
        while (!writesBeforeHandshake.isEmpty() && !finished) {
            wrap(ByteBuffer.wrap(writesBeforeHandshake.poll()));
        }
    }

    /** One unwrap; true when it consumed or produced something. */
    private boolean unwrap() throws SSLException {
        netIn.flip();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (result.getStatus()) {
            case BUFFER_OVERFLOW -> {
                appIn = room(appIn, engine.getSession().getApplicationBufferSize());
                return true;
            }
            case BUFFER_UNDERFLOW -> {
                netIn = room(netIn, engine.getSession().getPacketBufferSize());
                return false;
            }
            case CLOSED -> {
                deliver();
                close();
                peer.closed(null);
                return false;
            }
            default -> {
                if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    checkHandshakeDone();
                }
                deliver();
                return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
            }
        }
    }

    private void deliver() {
        if (appIn.position() == 0) {
            return;
        }
        appIn.flip();
        byte[] plain = new byte[appIn.remaining()];
        appIn.get(plain);
        appIn.clear();
        if (handshakeDone && !finished) {
            peer.toApplication(plain);
        }
    }

    private void wrap(ByteBuffer source) throws SSLException {
        do {
            netOut.clear();
            SSLEngineResult result = engine.wrap(source, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining()) {
                byte[] bytes = new byte[netOut.remaining()];
                netOut.get(bytes);
                peer.toNetwork(bytes);
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED
                    || (result.bytesConsumed() == 0 && result.bytesProduced() == 0)) {
                return;
            }
        } while (source.hasRemaining());
    }

    private void fail(SSLException failure) {
        if (finished) {
            return;
        }
        // Let the engine send its alert, so that the client learns why.
        engine.closeOutbound();
        try {
            wrap(EMPTY);
        } catch (SSLException ignored) {
            // the alert is a courtesy
        }
        finished = true;
        peer.closed(failure);
    }

    /** {@code buffer} (in write mode) with room for {@code more} bytes. */
    private static ByteBuffer room(ByteBuffer buffer, int more) {
        if (buffer.remaining() >= more) {
            return buffer;
        }
        ByteBuffer bigger = ByteBuffer.allocate(buffer.position() + Math.max(more, buffer.capacity()));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}

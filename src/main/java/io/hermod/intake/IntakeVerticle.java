package io.hermod.intake;

import io.hermod.config.HostAndPort;
import io.hermod.queue.MessageQueue;
import io.hermod.smtp.Replies;
import io.hermod.spool.MessageStore;
import io.hermod.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The SMTP listener on one event loop: accepts connections on every {@code smtp.listen} address,
 * applies the connection limits, and runs one {@link SmtpSession} per connection. Several
 * instances share the listening sockets, one per event loop.
 */
public final class IntakeVerticle extends VerticleBase {

    private final IntakePolicy policy;
    private final MessageStore store;
    private final MessageQueue queue;
    private final ConnectionLimits limits;
    private final IntakeObserver observer;
    private final List<HostAndPort> addresses;
    private final List<NetServer> servers = new ArrayList<>();
    private final Set<SmtpSession> sessions = new HashSet<>();
    private final List<SocketAddress> bound = new ArrayList<>();

    public IntakeVerticle(IntakePolicy policy, MessageStore store, MessageQueue queue, ConnectionLimits limits,
                          List<HostAndPort> addresses, IntakeObserver observer) {
        this.observer = observer;
        this.policy = policy;
        this.store = store;
        this.queue = queue;
        this.limits = limits;
        this.addresses = List.copyOf(addresses);
    }

    @Override
    public Future<?> start() {
        List<Future<NetServer>> listening = new ArrayList<>();
        for (HostAndPort address : addresses) {
            NetServer server = vertx.createNetServer(new NetServerOptions()
                    .setTcpNoDelay(true)
                    .setReuseAddress(true));
            server.connectHandler(this::accept);
            servers.add(server);
            // Port 0 asks for a random port; Vert.x shares a random port between the instances only
            // when it is asked for as a negative number, so that every instance serves the same one.
            listening.add(server.listen(address.port() == 0 ? -1 : address.port(), address.host()));
        }
        long sweep = Math.max(100, Math.min(1000, policy.idleTimeout().toMillis() / 4));
        vertx.setPeriodic(sweep, id -> {
            long now = System.nanoTime();
            for (SmtpSession session : List.copyOf(sessions)) {
                session.checkIdle(now);
            }
        });
        return Future.all(listening).onSuccess(all -> {
            for (int i = 0; i < servers.size(); i++) {
                bound.add(SocketAddress.inetSocketAddress(servers.get(i).actualPort(), addresses.get(i).host()));
            }
        });
    }

    /** The addresses this instance listens on, with the ports actually bound. */
    public List<SocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    /**
     * Graceful stop: the listeners close at once, every session is asked to drain (those between
     * transactions get 421 4.3.2 now, the others after their transaction), and connections still
     * open when {@code grace} runs out are closed.
     */
    public Future<Void> drain(java.time.Duration grace) {
        List<Future<Void>> closing = new ArrayList<>();
        for (NetServer server : servers) {
            closing.add(server.shutdown(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        return Future.all(closing).mapEmpty();
    }

    /** Stops accepting; sessions not in the middle of a commit get 421 4.3.2. */
    @Override
    public Future<?> stop() {
        for (SmtpSession session : List.copyOf(sessions)) {
            session.terminate(Replies.SHUTTING_DOWN);
        }
        List<Future<Void>> closing = new ArrayList<>();
        for (NetServer server : servers) {
            closing.add(server.close());
        }
        return Future.all(closing);
    }

    private void accept(NetSocket socket) {
        InetAddress client = clientAddress(socket);
        if (!limits.tryAcquire(client)) {
            observer.reply(Replies.TOO_MANY_CONNECTIONS.code());
            socket.write(Buffer.buffer(Replies.TOO_MANY_CONNECTIONS.toBytes())).onComplete(done -> socket.close());
            return;
        }
        SmtpSession session = new SmtpSession(policy, store, queue, new SocketChannel(socket, context),
                client, Clock.systemUTC(), Spool.CHUNK_SIZE, observer);
        sessions.add(session);
        socket.handler(buffer -> session.receive(buffer.getBytes()));
        socket.closeHandler(v -> {
            sessions.remove(session);
            limits.release(client);
            session.closed();
        });
        socket.exceptionHandler(e -> socket.close());
        socket.shutdownHandler(v -> session.drain());
        session.start();
    }

    private static InetAddress clientAddress(NetSocket socket) {
        SocketAddress remote = socket.remoteAddress();
        try {
            return InetAddress.getByName(remote.hostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("peer address is not numeric: " + remote, e);
        }
    }

    /** Adapts a socket to the session; pauses reading while the client does not read our replies. */
    private static final class SocketChannel implements SessionChannel {
        private final NetSocket socket;
        private final Executor executor;
        private boolean sessionPaused;
        private boolean writePaused;

        SocketChannel(NetSocket socket, Context context) {
            this.socket = socket;
            this.executor = task -> context.runOnContext(v -> task.run());
            socket.drainHandler(v -> {
                writePaused = false;
                applyPause();
            });
        }

        @Override
        public void send(byte[] bytes) {
            socket.write(Buffer.buffer(bytes));
            if (socket.writeQueueFull()) {
                writePaused = true;
                applyPause();
            }
        }

        @Override
        public void close() {
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
    }
}

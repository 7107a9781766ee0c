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
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SMTP listeners on one event loop: accepts connections on every address of every configured
 * role (relay, submission, implicit-TLS submission), applies the connection limits (shared by all
 * roles), and runs one {@link SmtpSession} per connection with its role's policy. Several instances
 * share the listening sockets, one per event loop.
 */
public final class IntakeVerticle extends VerticleBase {

    private final IntakePolicy policy;
    private final MessageStore store;
    private final MessageQueue queue;
    private final ConnectionLimits limits;
    private final IntakeObserver observer;
    private final List<Listener> listeners;
    private final TlsCredentials tls;
    private final Authenticator authenticator;
    private final List<NetServer> servers = new ArrayList<>();
    private final List<ListenerRole> serverRoles = new ArrayList<>();
    private final List<HostAndPort> serverAddresses = new ArrayList<>();
    private final Set<SmtpSession> sessions = new HashSet<>();
    private final Map<ListenerRole, List<SocketAddress>> bound = new EnumMap<>(ListenerRole.class);

    /** A relay listener on {@code addresses}, without TLS or AUTH. */
    public IntakeVerticle(IntakePolicy policy, MessageStore store, MessageQueue queue, ConnectionLimits limits,
                          List<HostAndPort> addresses, IntakeObserver observer) {
        this(policy, store, queue, limits, List.of(new Listener(ListenerRole.RELAY, addresses)), null,
                Authenticator.NONE, observer);
    }

    /**
     * @param tls the certificate for STARTTLS and implicit TLS, or null when {@code tls.*} is unset
     */
    public IntakeVerticle(IntakePolicy policy, MessageStore store, MessageQueue queue, ConnectionLimits limits,
                          List<Listener> listeners, TlsCredentials tls, Authenticator authenticator,
                          IntakeObserver observer) {
        this.observer = observer;
        this.policy = policy;
        this.store = store;
        this.queue = queue;
        this.limits = limits;
        this.listeners = List.copyOf(listeners);
        this.tls = tls;
        this.authenticator = authenticator;
    }

    @Override
    public Future<?> start() {
        List<Future<NetServer>> listening = new ArrayList<>();
        for (Listener listener : listeners) {
            ListenerRole role = listener.role();
            IntakePolicy rolePolicy = policy.forListener(role, tls != null);
            for (HostAndPort address : listener.addresses()) {
                NetServer server = vertx.createNetServer(serverOptions(role));
                server.connectHandler(socket -> accept(socket, rolePolicy));
                servers.add(server);
                serverRoles.add(role);
                serverAddresses.add(address);
                // Port 0 asks for a random port; Vert.x shares a random port between the instances only
                // when it is asked for as a negative number, so that every instance serves the same one.
                // Each address gets its own number, or the roles would all share one port.
                int shared = -servers.size();
                listening.add(server.listen(address.port() == 0 ? shared : address.port(), address.host()));
            }
        }
        if (tls != null) {
            Context own = context;
            tls.onReplace(options -> own.runOnContext(v -> {
                for (int i = 0; i < servers.size(); i++) {
                    if (serverRoles.get(i).implicitTls()) {
                        servers.get(i).updateSSLOptions(options, true);
                    }
                }
            }));
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
                bound.computeIfAbsent(serverRoles.get(i), r -> new ArrayList<>()).add(
                        SocketAddress.inetSocketAddress(servers.get(i).actualPort(), serverAddresses.get(i).host()));
            }
        });
    }

    private NetServerOptions serverOptions(ListenerRole role) {
        NetServerOptions options = new NetServerOptions()
                .setTcpNoDelay(true)
                .setReuseAddress(true);
        if (role.implicitTls()) {
            // Vert.x runs the handshake before the connect handler sees the socket.
            options.setSsl(true)
                    .setKeyCertOptions(tls.options().getKeyCertOptions())
                    .setEnabledSecureTransportProtocols(TlsCredentials.PROTOCOLS);
            TlsCredentials.strongSuites().forEach(options::addEnabledCipherSuite);
        }
        return options;
    }

    /** The relay ({@code smtp.listen}) addresses this instance listens on, with the ports actually bound. */
    public List<SocketAddress> boundAddresses() {
        return boundAddresses(ListenerRole.RELAY);
    }

    /** The addresses of one role, with the ports actually bound; empty when that role is off. */
    public List<SocketAddress> boundAddresses(ListenerRole role) {
        return List.copyOf(bound.getOrDefault(role, List.of()));
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

    private void accept(NetSocket socket, IntakePolicy rolePolicy) {
        InetAddress client = clientAddress(socket);
        if (!limits.tryAcquire(client)) {
            observer.reply(Replies.TOO_MANY_CONNECTIONS.code());
            socket.write(Buffer.buffer(Replies.TOO_MANY_CONNECTIONS.toBytes())).onComplete(done -> socket.close());
            return;
        }
        SocketChannel channel = new SocketChannel(socket, context, tls);
        SmtpSession session = new SmtpSession(rolePolicy, store, queue, channel,
                client, Clock.systemUTC(), Spool.CHUNK_SIZE, observer, authenticator);
        sessions.add(session);
        channel.deliverTo(session::receive);
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
}

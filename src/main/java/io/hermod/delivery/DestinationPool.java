package io.hermod.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The connections to one destination (a site), one pool for the whole process: idle connections
 * are reused for the next message whichever domain it is for, new ones are opened while there is
 * more work than connections (within the {@link ConnectionBudget}), and a destination that refuses
 * connections or answers 421 is backed off as a whole. Used on its owner's event loop only.
 *
 * <p>TLS: STARTTLS is used whenever a host offers it. A host whose opportunistic handshake breaks
 * is tried again at once in plain text, and reached in plain text for {@link #PLAIN_TEXT_MEMORY}
 * after that. A destination that requires TLS and gets none from any of its hosts yields a refused
 * connection, which defers each message with 4.7.5; it is handed out again for
 * {@link #REFUSAL_MEMORY} rather than asking the hosts once per queued message.
 */
public final class DestinationPool {

    /**
     * How long a host whose opportunistic STARTTLS handshake failed is reached in plain text without
     * trying again: long enough that a broken host costs one extra handshake per shard every so
     * often, short enough that one that is fixed soon gets TLS again.
     */
    static final Duration PLAIN_TEXT_MEMORY = Duration.ofMinutes(10);
    /** How long a required-TLS refusal stands for the whole destination (under the initial retry delay). */
    static final Duration REFUSAL_MEMORY = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(DestinationPool.class.getName());

    private final String key;
    private final Destination destination;
    /** Host ({@code address:port}) to the {@link System#nanoTime} until which it is reached in plain text. */
    private final Map<String, Long> plainTextUntil = new HashMap<>();
    private OutboundConnection refused;
    private long refusedUntilNanos;
    private volatile java.util.List<Destination.Candidate> candidates;
    private final Vertx vertx;
    private Egress egress;
    private final ConnectionBudget budget;
    private final ConnectionGate gate;
    private final DeliveryObserver observer;
    private final ArrayDeque<OutboundConnection> idle = new ArrayDeque<>();
    private ClientTimeouts timeouts;
    private int maxMessagesPerConnection;
    private TlsPolicy tlsPolicy;
    private int opening;
    private int busy;
    private Runnable capacityFreed = () -> { };

    /**
     * @param key    the site × source this pool serves (connections, backoff)
     * @param budget keeps the backoff, which outlives the pool
     * @param gate   the connection limit and rate
     */
    public DestinationPool(String key, Destination destination, Vertx vertx, Egress egress, ClientTimeouts timeouts,
                           ConnectionBudget budget, ConnectionGate gate, int maxMessagesPerConnection,
                           DeliveryObserver observer) {
        this.observer = observer;
        this.key = key;
        this.destination = destination;
        this.tlsPolicy = destination.tlsPolicy();
        this.candidates = destination.candidates();
        this.vertx = vertx;
        this.egress = egress;
        this.timeouts = timeouts;
        this.budget = budget;
        this.gate = gate;
        this.maxMessagesPerConnection = maxMessagesPerConnection;
    }

    /** A pool whose connection limit is {@code delivery.max_connections_per_destination}, kept in {@code budget}. */
    public DestinationPool(Destination destination, Vertx vertx, NetClient client, String heloName,
                           ClientTimeouts timeouts, ConnectionBudget budget, int maxMessagesPerConnection,
                           DeliveryObserver observer) {
        this(destination.key(), destination, vertx, new Egress("default", client, client, heloName), timeouts, budget,
                new ConnectionGate() {
                    @Override
                    public boolean tryOpen() {
                        return budget.tryAcquire(destination.key());
                    }

                    @Override
                    public void closed() {
                        budget.release(destination.key());
                    }
                }, maxMessagesPerConnection, observer);
    }

    /**
     * New limits for the connections opened from now on (and for reuse): after a shaping change.
     * {@code tls} is {@link TlsPolicy.Mode#NONE} to never ask for STARTTLS, {@code REQUIRED} to
     * send nothing in plain text, else the destination's own policy; a destination in
     * {@code delivery.tls.required_domains} always requires it.
     */
    public void configure(int maxMessagesPerConnection, ClientTimeouts timeouts, TlsPolicy.Mode tls, String siteName) {
        this.maxMessagesPerConnection = maxMessagesPerConnection;
        this.timeouts = timeouts;
        if (destination.tlsRequired() || tls == TlsPolicy.Mode.OPPORTUNISTIC) {
            this.tlsPolicy = destination.tlsPolicy();
        } else if (tls == TlsPolicy.Mode.REQUIRED) {
            this.tlsPolicy = TlsPolicy.required(siteName);
        } else {
            this.tlsPolicy = TlsPolicy.NONE;
        }
    }

    /**
     * The source's address or EHLO name changed (a reload): connections opened from now on use
     * {@code changed}; idle ones close, busy ones finish their transaction and close.
     */
    public void useEgress(Egress changed) {
        if (changed != egress) {
            egress = changed;
            closeAll();
            stale.addAll(live);
        }
    }

    /** Connections open now, and those opened before an egress change, which are not reused. */
    private final java.util.Set<OutboundConnection> live = new java.util.HashSet<>();
    private final java.util.Set<OutboundConnection> stale = new java.util.HashSet<>();

    /** Run (on this pool's event loop) when one of its connections has closed and freed budget. */
    public void onCapacityFreed(Runnable action) {
        this.capacityFreed = action;
    }

    public String key() {
        return key;
    }

    /** The hosts to try from now on (a new MX lookup may order equal-preference hosts differently). */
    public void update(Destination destination) {
        this.candidates = destination.candidates();
    }

    /** An idle, open connection marked busy, or null. */
    public OutboundConnection takeIdle() {
        OutboundConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.isOpen()) {
                busy++;
                return c;
            }
        }
        return null;
    }

    /**
     * Reserves a new connection for {@code waiting} deliveries that no connection covers, unless
     * the destination is backed off, enough connections are already opening, or the budget is spent.
     */
    public boolean tryReserve(int waiting, long nowMillis) {
        if (nowMillis < budget.backoffUntil(key) || opening >= waiting || !gate.tryOpen()) {
            return false;
        }
        opening++;
        return true;
    }

    /**
     * Opens a connection that {@link #tryReserve} reserved. It completes busy (the caller uses it or
     * hands it back with {@link #release}). The budget is returned when the socket is closed, not
     * when QUIT is sent, so a replacement never overlaps the connection it replaces.
     */
    public Future<OutboundConnection> open() {
        Future<OutboundConnection> opened;
        if (refused != null && System.nanoTime() - refusedUntilNanos < 0) {
            Promise<OutboundConnection> later = Promise.promise();
            OutboundConnection r = refused;
            vertx.runOnContext(v -> later.complete(r)); // never completes inside the caller's loop
            opened = later.future();
        } else {
            opened = openAny(candidates, 0, null, null);
        }
        return opened.andThen(ar -> {
            opening--;
            if (ar.succeeded()) {
                busy++;
                budget.siteAnswered(key);
                OutboundConnection connection = ar.result();
                live.add(connection);
                connection.whenClosed().onComplete(v -> {
                    live.remove(connection);
                    stale.remove(connection);
                    gate.closed();
                    capacityFreed.run();
                });
            } else {
                gate.closed();
            }
        });
    }

    /**
     * Tries the hosts in order: a refused connection, a timeout or a greeting other than 220 moves
     * on to the next host in the same attempt; the last failure is reported when all have failed.
     * When TLS is required, a host without it is passed over too, and if no host had it, the last
     * refused connection is the answer (a deferral for the messages, not a failing site).
     */
    private Future<OutboundConnection> openAny(java.util.List<Destination.Candidate> hosts, int index,
                                               Throwable last, OutboundConnection lastRefused) {
        if (index == hosts.size()) {
            if (lastRefused != null) {
                refused = lastRefused;
                refusedUntilNanos = System.nanoTime() + REFUSAL_MEMORY.toNanos();
                LOG.log(System.Logger.Level.WARNING, "delivery: " + key + ": " + lastRefused.refusal());
                return Future.succeededFuture(lastRefused);
            }
            return Future.failedFuture(last);
        }
        return openHost(hosts.get(index)).transform(ar -> {
            if (ar.failed()) {
                return openAny(hosts, index + 1, ar.cause(), lastRefused);
            }
            OutboundConnection c = ar.result();
            return c.refusal() == null ? Future.succeededFuture(c) : openAny(hosts, index + 1, last, c);
        });
    }

    /** One host, with STARTTLS unless it failed lately; a broken opportunistic handshake is retried once in plain text. */
    private Future<OutboundConnection> openHost(Destination.Candidate host) {
        String hostKey = host.address() + ":" + host.port();
        Long until = plainTextUntil.get(hostKey);
        if (until != null && System.nanoTime() - until >= 0) {
            plainTextUntil.remove(hostKey);
            until = null;
        }
        TlsPolicy policy = until != null ? TlsPolicy.NONE : tlsPolicy;
        NetClient client = policy.required() ? egress.verifying() : egress.opportunistic();
        return OutboundConnection.open(vertx, client, host, egress.heloName(), timeouts, observer, policy).recover(e -> {
            if (!(e instanceof StartTlsException)) {
                return Future.failedFuture(e);
            }
            plainTextUntil.put(hostKey, System.nanoTime() + PLAIN_TEXT_MEMORY.toNanos());
            LOG.log(System.Logger.Level.WARNING, "delivery: " + e.getMessage() + "; " + host
                    + " is reached in plain text for the next " + PLAIN_TEXT_MEMORY.toMinutes() + " minutes");
            return OutboundConnection.open(vertx, egress.opportunistic(), host, egress.heloName(), timeouts, observer,
                    TlsPolicy.NONE);
        });
    }

    /** Whether {@code host} ({@code address:port}) is reached in plain text now, after a failed handshake. */
    boolean inPlainText(String hostAndPort) {
        Long until = plainTextUntil.get(hostAndPort);
        return until != null && System.nanoTime() - until < 0;
    }

    /** Whether a busy connection may carry another message: open, not spent, not from before a change of route. */
    public boolean mayCarryMore(OutboundConnection connection) {
        return connection.isOpen() && connection.transactions() < maxMessagesPerConnection
                && !stale.contains(connection);
    }

    /** Takes back a connection after a transaction; it is reused, or closed when spent or broken. */
    public void release(OutboundConnection connection, boolean reusable) {
        busy--;
        if (reusable && mayCarryMore(connection)) {
            idle.addLast(connection);
            return;
        }
        connection.quit();
    }

    /**
     * Backs the whole destination off, for every shard (the backoff lives in the shared
     * {@link ConnectionBudget}): exponential in consecutive site failures, capped.
     */
    public void siteFailed(long nowMillis, Duration initial, Duration max) {
        budget.siteFailed(key, nowMillis, initial, max);
        closeAll();
    }

    public long backoffUntilMillis() {
        return budget.backoffUntil(key);
    }

    /** Says QUIT on connections idle longer than {@code maxIdle}. */
    public void closeIdle(Duration maxIdle) {
        long now = System.nanoTime();
        for (Iterator<OutboundConnection> it = idle.iterator(); it.hasNext(); ) {
            OutboundConnection c = it.next();
            if (!c.isOpen() || now - c.idleSinceNanos() > maxIdle.toNanos()) {
                it.remove();
                c.quit();
            }
        }
    }

    /** Connections open or opening, busy and idle. */
    public int openConnections() {
        return idle.size() + busy + opening;
    }

    public void closeAll() {
        for (OutboundConnection c : idle) {
            c.quit();
        }
        idle.clear();
    }
}

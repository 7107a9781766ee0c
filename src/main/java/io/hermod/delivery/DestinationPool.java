package io.hermod.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One shard's connections to one destination: idle connections are reused for the next message,
 * new ones are opened while there is more work than connections (within the shared
 * {@link ConnectionBudget}), and a destination that refuses connections or answers 421 is backed
 * off as a whole. Used on one event loop only.
 */
public final class DestinationPool {

    private final String key;
    private volatile java.util.List<Destination.Candidate> candidates;
    private final Vertx vertx;
    private final NetClient client;
    private final String heloName;
    private final ClientTimeouts timeouts;
    private final ConnectionBudget budget;
    private final int maxMessagesPerConnection;
    private final DeliveryObserver observer;
    private final ArrayDeque<OutboundConnection> idle = new ArrayDeque<>();
    private int opening;
    private int busy;
    private int siteFailures;
    private long backoffUntilMillis;
    private Runnable capacityFreed = () -> { };

    public DestinationPool(Destination destination, Vertx vertx, NetClient client, String heloName,
                           ClientTimeouts timeouts, ConnectionBudget budget, int maxMessagesPerConnection,
                           DeliveryObserver observer) {
        this.observer = observer;
        this.key = destination.key();
        this.candidates = destination.candidates();
        this.vertx = vertx;
        this.client = client;
        this.heloName = heloName;
        this.timeouts = timeouts;
        this.budget = budget;
        this.maxMessagesPerConnection = maxMessagesPerConnection;
    }

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
        if (nowMillis < backoffUntilMillis || opening >= waiting || !budget.tryAcquire(key)) {
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
        return openAny(candidates, 0, null).andThen(ar -> {
            opening--;
            if (ar.succeeded()) {
                busy++;
                siteFailures = 0;
                ar.result().whenClosed().onComplete(v -> {
                    budget.release(key);
                    capacityFreed.run();
                });
            } else {
                budget.release(key);
            }
        });
    }

    /**
     * Tries the hosts in order: a refused connection, a timeout or a greeting other than 220 moves
     * on to the next host in the same attempt; the last failure is reported when all have failed.
     */
    private Future<OutboundConnection> openAny(java.util.List<Destination.Candidate> hosts, int index,
                                               Throwable last) {
        if (index == hosts.size()) {
            return Future.failedFuture(last);
        }
        return OutboundConnection.open(vertx, client, hosts.get(index), heloName, timeouts, observer)
                .recover(e -> openAny(hosts, index + 1, e));
    }

    /** Takes back a connection after a transaction; it is reused, or closed when spent or broken. */
    public void release(OutboundConnection connection, boolean reusable) {
        busy--;
        if (reusable && connection.isOpen() && connection.transactions() < maxMessagesPerConnection) {
            idle.addLast(connection);
            return;
        }
        connection.quit();
    }

    /** Backs the whole destination off: exponential in consecutive site failures, capped. */
    public void siteFailed(long nowMillis, Duration initial, Duration max) {
        siteFailures++;
        long delay = Math.min(max.toMillis(), initial.toMillis() << Math.min(20, siteFailures - 1));
        backoffUntilMillis = nowMillis + delay;
        closeAll();
    }

    public long backoffUntilMillis() {
        return backoffUntilMillis;
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

package io.hermod.queue;

import io.hermod.config.HostAndPort;
import io.hermod.delivery.BodySource;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.OutboundConnection;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.delivery.TransactionResult;
import io.hermod.dns.StaticRoutes;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * The queues of the domains one shard owns, and that shard's connections. Runs on one event loop
 * and is the only code that touches its state: deliveries due now wait in their domain's ready
 * queue; deferred ones wait in one priority queue ordered by due time, woken by one timer.
 *
 * <p>Domains routed to the same destination share its {@link DestinationPool}: a free connection
 * takes the next delivery from the destination's domains in turn, and new connections are opened
 * while more deliveries wait than connections are open.
 */
final class QueueShard {

    private static final System.Logger LOG = System.getLogger(QueueShard.class.getName());
    static final Duration CONNECTION_IDLE = Duration.ofSeconds(5);

    /** A destination's pool and the domains whose ready deliveries wait for it. */
    private static final class Site {
        final DestinationPool pool;
        final ArrayDeque<DomainQueue> waiting = new ArrayDeque<>();
        int ready;

        Site(DestinationPool pool) {
            this.pool = pool;
        }

        Delivery next() {
            DomainQueue q = waiting.poll();
            Delivery d = q.ready.poll();
            ready--;
            if (q.ready.isEmpty()) {
                q.listed = false;
            } else {
                waiting.add(q);
            }
            return d;
        }
    }

    private final Vertx vertx;
    private final Clock clock;
    private final StaticRoutes routes;
    private final RetryPolicy retry;
    private final MessageLedger ledger;
    private final Function<Delivery, BodySource> bodies;
    private final Function<HostAndPort, DestinationPool> pools;
    private final Map<String, DomainQueue> domains = new HashMap<>();
    private final Map<HostAndPort, Site> sites = new HashMap<>();
    private final PriorityQueue<Delivery> schedule = new PriorityQueue<>();
    private final Set<String> unroutedLogged = new HashSet<>();
    private long timer = -1;
    private long timerDue = Long.MAX_VALUE;

    QueueShard(Vertx vertx, Clock clock, StaticRoutes routes, RetryPolicy retry, MessageLedger ledger,
               Function<Delivery, BodySource> bodies, Function<HostAndPort, DestinationPool> pools) {
        this.vertx = vertx;
        this.clock = clock;
        this.routes = routes;
        this.retry = retry;
        this.ledger = ledger;
        this.bodies = bodies;
        this.pools = pools;
    }

    /** A delivery for one of this shard's domains, new or recovered from the spool. */
    void accept(Delivery delivery) {
        DomainQueue q = domains.computeIfAbsent(delivery.domain, DomainQueue::new);
        if (delivery.dueMillis() > clock.millis()) {
            defer(q, delivery);
            return;
        }
        Site site = makeReady(q, delivery);
        if (site != null) {
            pump(site);
        }
    }

    private void defer(DomainQueue q, Delivery delivery) {
        delivery.takeBody();
        q.scheduled++;
        schedule.add(delivery);
        armTimer();
    }

    private Site makeReady(DomainQueue q, Delivery delivery) {
        q.ready.add(delivery);
        if (q.destination == null) {
            q.destination = routes.route(q.domain).orElse(null);
            if (q.destination == null) {
                delivery.takeBody(); // it may wait long: read it back from the spool when it goes
                if (unroutedLogged.add(q.domain)) {
                    LOG.log(System.Logger.Level.WARNING, "queue: no route for domain " + q.domain
                            + " (delivery.routes has neither it nor \"*\"); its mail waits in the spool");
                }
                return null;
            }
        }
        Site site = sites.computeIfAbsent(q.destination, this::newSite);
        site.ready++;
        if (!q.listed) {
            q.listed = true;
            site.waiting.add(q);
        }
        return site;
    }

    private Site newSite(HostAndPort destination) {
        Site site = new Site(pools.apply(destination));
        site.pool.onCapacityFreed(() -> pump(site));
        return site;
    }

    /** Gives waiting deliveries to idle connections and opens more while work exceeds them. */
    private void pump(Site site) {
        while (site.ready > 0) {
            OutboundConnection connection = site.pool.takeIdle();
            if (connection != null) {
                start(site, connection, site.next());
                continue;
            }
            if (!site.pool.tryReserve(site.ready, clock.millis())) {
                break;
            }
            site.pool.open().onComplete(ar -> {
                if (ar.succeeded()) {
                    if (site.ready > 0) {
                        start(site, ar.result(), site.next());
                    } else {
                        site.pool.release(ar.result(), true);
                    }
                } else {
                    LOG.log(System.Logger.Level.WARNING, "delivery: " + ar.cause().getMessage());
                    siteFailed(site);
                }
                pump(site);
            });
        }
    }

    private void start(Site site, OutboundConnection connection, Delivery delivery) {
        DomainQueue q = domains.get(delivery.domain);
        q.inFlight++;
        connection.send(delivery.envelope, delivery.pending(), bodies.apply(delivery)).onComplete(ar -> {
            q.inFlight--;
            TransactionResult result = ar.result();
            settle(q, delivery, result);
            site.pool.release(connection, result.reusable());
            if (result.siteFailure()) {
                siteFailed(site);
            }
            pump(site);
        });
    }

    private void siteFailed(Site site) {
        site.pool.siteFailed(clock.millis(), retry.initial(), retry.max());
        armTimer();
    }

    /** Applies one attempt's outcomes: final ones to the ledger, deferred ones back to the schedule. */
    private void settle(DomainQueue q, Delivery delivery, TransactionResult result) {
        long now = clock.millis();
        List<Integer> deferred = new ArrayList<>();
        long due = now + retry.delayMillis(delivery.attempts() + 1);
        for (RecipientOutcome outcome : result.outcomes()) {
            int index = outcome.index();
            Recipient before = delivery.states[index];
            RecipientState state = switch (outcome.result()) {
                case DELIVERED -> RecipientState.DELIVERED;
                case FAILED -> RecipientState.BOUNCED;
                case DEFERRED -> RecipientState.PENDING;
            };
            Recipient after = new Recipient(before.address(), state, before.attempts() + 1,
                    state == RecipientState.PENDING ? due : 0, outcome.detail());
            delivery.states[index] = after;
            if (state == RecipientState.PENDING) {
                deferred.add(index);
            } else if (state == RecipientState.BOUNCED) {
                LOG.log(System.Logger.Level.INFO, "delivery: " + delivery.envelope.id() + " to <" + after.address()
                        + "> failed permanently: " + outcome.detail());
            }
            ledger.record(delivery.envelope, index, after);
        }
        if (!deferred.isEmpty()) {
            delivery.retryAt(deferred, due);
            defer(q, delivery);
        }
    }

    /** One timer for the shard: the earliest of the next due delivery and the end of a site backoff. */
    private void armTimer() {
        long next = schedule.isEmpty() ? Long.MAX_VALUE : schedule.peek().dueMillis();
        for (Site site : sites.values()) {
            if (site.ready > 0 && site.pool.backoffUntilMillis() > clock.millis()) {
                next = Math.min(next, site.pool.backoffUntilMillis());
            }
        }
        if (next == timerDue) {
            return;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        timerDue = next;
        if (next != Long.MAX_VALUE) {
            timer = vertx.setTimer(Math.max(1, next - clock.millis()), id -> wake());
        }
    }

    private void wake() {
        timer = -1;
        timerDue = Long.MAX_VALUE;
        long now = clock.millis();
        Set<Site> touched = new HashSet<>();
        while (!schedule.isEmpty() && schedule.peek().dueMillis() <= now) {
            Delivery d = schedule.poll();
            DomainQueue q = domains.get(d.domain);
            q.scheduled--;
            Site site = makeReady(q, d);
            if (site != null) {
                touched.add(site);
            }
        }
        for (Site site : sites.values()) {
            if (site.ready > 0 && site.pool.backoffUntilMillis() <= now) {
                touched.add(site);
            }
        }
        touched.forEach(this::pump);
        armTimer();
    }

    /**
     * Housekeeping, once a second: idle connections are closed, and destinations with waiting work
     * are pumped again (another shard may have freed some of the shared connection budget).
     */
    void tick() {
        for (Site site : sites.values()) {
            site.pool.closeIdle(CONNECTION_IDLE);
            if (site.ready > 0) {
                pump(site);
            }
        }
    }

    void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        for (Site site : sites.values()) {
            site.pool.closeAll();
        }
    }
}

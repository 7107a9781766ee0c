package io.hermod.queue;

import io.hermod.bounce.FailedRecipient;
import io.hermod.delivery.BodySource;
import io.hermod.delivery.Destination;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.OutboundConnection;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.delivery.TransactionResult;
import io.hermod.eventlog.EventType;
import io.hermod.spool.Recipient;
import io.hermod.spool.RecipientState;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The queues of the domains one shard owns, and that shard's connections. Runs on one event loop
 * and is the only code that touches its state: deliveries due now wait in their domain's ready
 * queue; deferred ones wait in one priority queue ordered by due time, woken by one timer.
 *
 * <p>Domains whose next hop is the same destination share its {@link DestinationPool}: a free
 * connection takes the next delivery from those domains in turn, and new connections are opened
 * while more deliveries wait than connections are open. A destination that fails as a whole is
 * backed off: its waiting deliveries return to the schedule for the end of the backoff, with no
 * attempt counted.
 */
final class QueueShard {

    static final Duration CONNECTION_IDLE = Duration.ofSeconds(5);
    /** How long a domain keeps its next hop before it is looked up again (the resolver caches by TTL). */
    static final long REFRESH_MILLIS = 30_000;

    private final Vertx vertx;
    private final Executor onShard;
    private final Clock clock;
    private final NextHop nextHop;
    private final RetryPolicy retry;
    private final long maxAgeMillis;
    private final long delayWarningMillis;
    private final MessageLedger ledger;
    private final BounceReporter bounces;
    private final Function<Delivery, BodySource> bodies;
    private final Function<Destination, DestinationPool> pools;
    private final QueueTelemetry telemetry;
    /** Published once a second for the gauges, which are read on another thread. */
    final AtomicInteger readyGauge = new AtomicInteger();
    final AtomicInteger scheduledGauge = new AtomicInteger();
    final AtomicInteger inFlightGauge = new AtomicInteger();
    private final Map<String, DomainQueue> domains = new HashMap<>();
    private final Map<String, Site> sites = new HashMap<>();
    private final PriorityQueue<Delivery> schedule = new PriorityQueue<>();
    private long timer = -1;
    private long timerDue = Long.MAX_VALUE;
    private int inFlight;
    private boolean draining;
    private io.vertx.core.Promise<Void> drained;

    QueueShard(Vertx vertx, Executor onShard, Clock clock, NextHop nextHop, RetryPolicy retry, Duration maxAge,
               Duration delayWarning, MessageLedger ledger, BounceReporter bounces, Function<Delivery, BodySource> bodies,
               Function<Destination, DestinationPool> pools, QueueTelemetry telemetry) {
        this.telemetry = telemetry;
        this.vertx = vertx;
        this.onShard = onShard;
        this.clock = clock;
        this.nextHop = nextHop;
        this.retry = retry;
        this.maxAgeMillis = maxAge.toMillis();
        this.delayWarningMillis = delayWarning == null ? Long.MAX_VALUE : delayWarning.toMillis();
        this.ledger = ledger;
        this.bounces = bounces;
        this.bodies = bodies;
        this.pools = pools;
    }

    /** A delivery for one of this shard's domains, new or recovered from the spool. */
    void accept(Delivery delivery) {
        DomainQueue q = domains.computeIfAbsent(delivery.domain, DomainQueue::new);
        if (!ledger.isOpen(delivery.envelope.id())) {
            delivery.takeBody();
            return; // deleted by an operator
        }
        if (expired(delivery)) {
            expire(delivery);
        } else if (delivery.dueMillis() > clock.millis()) {
            defer(q, delivery);
        } else {
            Site site = makeReady(q, delivery);
            if (site != null) {
                pump(site);
            }
        }
    }

    private void defer(DomainQueue q, Delivery delivery) {
        delivery.takeBody();
        q.scheduled++;
        schedule.add(delivery);
        armTimer();
    }

    /** Queues a due delivery; returns the site to pump, or null while the domain's next hop is being looked up. */
    private Site makeReady(DomainQueue q, Delivery delivery) {
        q.ready.add(delivery);
        if (q.suspended) {
            return null;
        }
        if (q.listed) {
            q.site.ready++;
            return q.site;
        }
        if (q.site != null && clock.millis() - q.resolvedAtMillis < REFRESH_MILLIS) {
            attach(q);
            return q.site;
        }
        if (!q.resolving) {
            q.resolving = true;
            nextHop.lookup(q.domain).onComplete(ar -> onShard.execute(() -> resolved(q, ar.succeeded() ? ar.result()
                    : new NextHop.Lookup(null, false, "451 4.4.3 next-hop lookup failed: " + ar.cause()))));
        }
        return null;
    }

    private void attach(DomainQueue q) {
        if (q.ready.isEmpty() || q.listed) {
            return;
        }
        q.listed = true;
        q.site.waiting.add(q);
        q.site.ready += q.ready.size();
    }

    private void resolved(DomainQueue q, NextHop.Lookup lookup) {
        q.resolving = false;
        if (lookup.found()) {
            Destination destination = lookup.destination();
            Site site = sites.computeIfAbsent(destination.key(), key -> newSite(destination));
            site.pool.update(destination);
            q.site = site;
            q.resolvedAtMillis = clock.millis();
            if (!q.suspended) {
                attach(q);
                pump(site);
            }
            return;
        }
        if (q.suspended) {
            return; // looked up again on resume
        }
        // No next hop: every delivery waiting for this domain fails with the lookup's answer.
        List<Delivery> waiting = new ArrayList<>(q.ready);
        q.ready.clear();
        RecipientOutcome.Result result = lookup.permanent() ? RecipientOutcome.Result.FAILED : RecipientOutcome.Result.DEFERRED;
        for (Delivery d : waiting) {
            List<RecipientOutcome> outcomes = new ArrayList<>();
            for (int index : d.pending()) {
                outcomes.add(new RecipientOutcome(index, result, lookup.reply()));
            }
            settle(q, d, new TransactionResult(outcomes, false, false, null));
        }
    }

    private Site newSite(Destination destination) {
        Site site = new Site(pools.apply(destination));
        site.pool.onCapacityFreed(() -> pump(site));
        return site;
    }

    /** Gives waiting deliveries to idle connections and opens more while work exceeds them. */
    private void pump(Site site) {
        while (site.ready > 0 && !draining) {
            OutboundConnection connection = site.pool.takeIdle();
            if (connection != null) {
                Delivery next = nextLive(site);
                if (next == null) {
                    site.pool.release(connection, true);
                    break;
                }
                start(site, connection, next);
                continue;
            }
            if (!site.pool.tryReserve(site.ready, clock.millis())) {
                break;
            }
            site.pool.open().onComplete(ar -> {
                if (ar.succeeded()) {
                    Delivery next = draining ? null : nextLive(site);
                    if (next != null) {
                        start(site, ar.result(), next);
                    } else {
                        site.pool.release(ar.result(), true);
                    }
                } else {
                    siteFailed(site, ar.cause().getMessage());
                }
                pump(site);
            });
        }
    }

    /** The next delivery whose message is still queued; those an operator deleted are dropped here. */
    private Delivery nextLive(Site site) {
        while (site.ready > 0) {
            Delivery d = site.next();
            if (d == null) {
                return null;
            }
            if (ledger.isOpen(d.envelope.id())) {
                return d;
            }
            d.takeBody();
        }
        return null;
    }

    private void start(Site site, OutboundConnection connection, Delivery delivery) {
        DomainQueue q = domains.get(delivery.domain);
        q.inFlight++;
        inFlight++;
        connection.send(delivery.envelope, delivery.pending(), bodies.apply(delivery)).onComplete(ar -> {
            q.inFlight--;
            inFlight--;
            TransactionResult result = ar.result();
            site.pool.release(connection, result.reusable());
            settle(q, delivery, result);
            if (result.siteFailure()) {
                siteFailed(site, result.outcomes().get(0).detail());
            }
            pump(site);
            if (draining && inFlight == 0 && drained != null) {
                drained.tryComplete();
            }
        });
    }

    /**
     * Shutdown: no new transaction starts; completes when those in flight have finished. Whatever
     * is not finished when the process stops stays pending in the spool, as if never attempted.
     */
    io.vertx.core.Future<Void> drain() {
        draining = true;
        drained = io.vertx.core.Promise.promise();
        if (inFlight == 0) {
            drained.complete();
        }
        return drained.future();
    }

    /**
     * The destination as a whole is failing: back it off, and send its waiting deliveries back to
     * the schedule for the end of the backoff (they were not attempted, so no attempt is counted).
     */
    private void siteFailed(Site site, String reason) {
        long now = clock.millis();
        // Several connections may fail from one outage: the shared backoff escalates only once.
        site.pool.siteFailed(now, retry.initial(), retry.max());
        long until = site.pool.backoffUntilMillis();
        System.getLogger(QueueShard.class.getName()).log(System.Logger.Level.WARNING,
                "delivery: destination " + site.pool.key() + " backed off for " + (until - now) + " ms: " + reason);
        for (DomainQueue q : site.waiting) {
            q.listed = false;
            for (Delivery d : q.ready) {
                d.retryAt(d.pending(), Math.min(until, expiryOf(d)));
                defer(q, d);
            }
            q.ready.clear();
        }
        site.waiting.clear();
        site.ready = 0;
    }

    /** Applies one attempt's outcomes: final ones to the ledger (and bounces), deferred ones back to the schedule. */
    private void settle(DomainQueue q, Delivery delivery, TransactionResult result) {
        delivery.takeBody();
        long now = clock.millis();
        List<Integer> deferred = new ArrayList<>();
        List<FailedRecipient> failed = new ArrayList<>();
        List<Integer> failedIndexes = new ArrayList<>();
        long due = Math.min(now + retry.delayMillis(delivery.attempts() + 1), expiryOf(delivery));
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
            telemetry.outcome(state == RecipientState.DELIVERED ? EventType.Delivery
                    : state == RecipientState.BOUNCED ? EventType.Bounce : EventType.TransientFailure,
                    delivery.envelope, after, result.remote());
            if (state == RecipientState.PENDING) {
                deferred.add(index);
            } else if (state == RecipientState.BOUNCED) {
                failed.add(new FailedRecipient(after.address(), Diagnostics.status(outcome.detail(), '5'),
                        remoteName(result), outcome.detail()));
                failedIndexes.add(index);
                continue; // recorded once its report is spooled
            }
            ledger.record(delivery.envelope, index, after);
        }
        recordAfterReport(delivery, failed, failedIndexes);
        if (!deferred.isEmpty()) {
            delivery.retryAt(deferred, due);
            if (expired(delivery)) {
                expire(delivery);
            } else {
                reportDelay(delivery, remoteName(result));
                defer(q, delivery);
            }
        }
    }

    /** Once {@code queue.delay_warning} has passed since arrival, the sender hears that delivery is slow. */
    private void reportDelay(Delivery delivery, String remote) {
        if (delivery.delayReported || clock.millis() - delivery.envelope.arrivalMillis() < delayWarningMillis) {
            return;
        }
        delivery.delayReported = true;
        List<FailedRecipient> delayed = new ArrayList<>();
        for (int index : delivery.pending()) {
            Recipient r = delivery.states[index];
            delayed.add(new FailedRecipient(r.address(), Diagnostics.status(r.lastResult(), '4'), remote, r.lastResult()));
        }
        bounces.delayed(delivery.envelope, delayed);
    }

    private static String remoteName(TransactionResult result) {
        return result.remote() == null ? null : result.remote().name();
    }

    private long expiryOf(Delivery delivery) {
        return delivery.envelope.arrivalMillis() + maxAgeMillis;
    }

    private boolean expired(Delivery delivery) {
        return clock.millis() >= expiryOf(delivery);
    }

    /** {@code queue.max_age} has passed: every recipient still pending expires and bounces with 4.4.7. */
    private void expire(Delivery delivery) {
        delivery.takeBody();
        List<FailedRecipient> failed = new ArrayList<>();
        for (int index : delivery.pending()) {
            Recipient before = delivery.states[index];
            String reason = "4.4.7 message expired after " + Duration.ofMillis(maxAgeMillis) + " in the queue"
                    + (before.lastResult().isEmpty() ? "" : "; last result: " + before.lastResult());
            Recipient after = new Recipient(before.address(), RecipientState.EXPIRED, before.attempts(), 0, reason);
            delivery.states[index] = after;
            telemetry.outcome(EventType.Expiration, delivery.envelope, after, null);
            failed.add(new FailedRecipient(after.address(), "4.4.7", null, reason));
        }
        recordAfterReport(delivery, failed, delivery.pending());
        delivery.retryAt(List.of(), 0);
    }

    /**
     * Failed recipients are recorded final only after their report is in the spool, so the original
     * (whose headers the report quotes) cannot be removed first, and a crash in between repeats the
     * report rather than losing it.
     */
    private void recordAfterReport(Delivery delivery, List<FailedRecipient> failed, List<Integer> indexes) {
        if (failed.isEmpty()) {
            return;
        }
        List<Integer> settled = List.copyOf(indexes);
        Recipient[] states = delivery.states.clone();
        bounces.failed(delivery.envelope, failed).onComplete(done -> {
            if (done.succeeded()) {
                for (int index : settled) {
                    ledger.record(delivery.envelope, index, states[index]);
                }
                return;
            }
            // No report could be spooled: the recipients stay pending and are tried again later,
            // which fails them again and retries the report, rather than dropping it.
            long due = clock.millis() + retry.delayMillis(delivery.attempts() + 1);
            for (int index : settled) {
                Recipient r = states[index];
                delivery.states[index] = new Recipient(r.address(), RecipientState.PENDING, r.attempts(), due,
                        r.lastResult());
            }
            Delivery again = new Delivery(delivery.envelope, delivery.domain, List.of());
            System.arraycopy(delivery.states, 0, again.states, 0, again.states.length);
            again.retryAt(settled, due);
            DomainQueue q = domains.computeIfAbsent(delivery.domain, DomainQueue::new);
            defer(q, again);
        });
    }

    /** One timer for the shard, set for the next due delivery. */
    private void armTimer() {
        long next = schedule.isEmpty() ? Long.MAX_VALUE : schedule.peek().dueMillis();
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
            if (!ledger.isOpen(d.envelope.id())) {
                d.takeBody();
                continue;
            }
            if (expired(d)) {
                expire(d);
                continue;
            }
            Site site = makeReady(q, d);
            if (site != null) {
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
        int ready = 0;
        int inFlight = 0;
        for (var it = domains.values().iterator(); it.hasNext(); ) {
            DomainQueue q = it.next();
            ready += q.ready.size();
            inFlight += q.inFlight;
            if (q.isIdle()) {
                it.remove(); // its next hop is looked up again if mail for it comes back
            }
        }
        Set<Site> referenced = new HashSet<>();
        for (DomainQueue q : domains.values()) {
            referenced.add(q.site);
        }
        sites.values().removeIf(site -> site.ready == 0 && site.waiting.isEmpty() && site.pool.openConnections() == 0
                && site.pool.backoffUntilMillis() <= clock.millis() && !referenced.contains(site));
        readyGauge.set(ready);
        scheduledGauge.set(schedule.size());
        inFlightGauge.set(inFlight);
    }

    // ---- operator actions (QueueAdmin), run on this shard's event loop ----

    void suspend(String domain) {
        DomainQueue q = domains.computeIfAbsent(domain, DomainQueue::new);
        q.suspended = true;
        if (q.listed) {
            q.listed = false;
            q.site.waiting.remove(q);
            q.site.ready -= q.ready.size();
        }
    }

    void resume(String domain) {
        DomainQueue q = domains.get(domain);
        if (q == null || !q.suspended) {
            return;
        }
        q.suspended = false;
        if (q.listed) {
            return;
        }
        // re-enter through makeReady, so that a stale or missing next hop is looked up first
        List<Delivery> waiting = new ArrayList<>(q.ready);
        q.ready.clear();
        Site site = null;
        for (Delivery d : waiting) {
            Site s = makeReady(q, d);
            site = s == null ? site : s;
        }
        if (site != null) {
            pump(site);
        }
    }

    /** Makes the domain's deferred deliveries due now; returns how many. */
    int flush(String domain) {
        List<Delivery> due = new ArrayList<>();
        schedule.removeIf(d -> {
            if (d.domain.equals(domain)) {
                due.add(d);
                return true;
            }
            return false;
        });
        DomainQueue q = domains.get(domain);
        if (q == null) {
            return 0;
        }
        q.scheduled -= due.size();
        long now = clock.millis();
        Site site = null;
        for (Delivery d : due) {
            d.retryAt(d.pending(), now);
            Site s = makeReady(q, d);
            site = s == null ? site : s;
        }
        if (site != null) {
            pump(site);
        }
        armTimer();
        return due.size();
    }

    List<QueueAdmin.DomainStats> stats() {
        long now = clock.millis();
        Map<String, Long> oldest = new HashMap<>();
        for (Delivery d : schedule) {
            oldest.merge(d.domain, d.envelope.arrivalMillis(), Math::min);
        }
        List<QueueAdmin.DomainStats> stats = new ArrayList<>();
        for (DomainQueue q : domains.values()) {
            if (q.ready.isEmpty() && q.scheduled == 0 && q.inFlight == 0 && !q.suspended) {
                continue;
            }
            long first = oldest.getOrDefault(q.domain, Long.MAX_VALUE);
            for (Delivery d : q.ready) {
                first = Math.min(first, d.envelope.arrivalMillis());
            }
            stats.add(new QueueAdmin.DomainStats(q.domain, q.ready.size(), q.scheduled, q.inFlight, q.suspended,
                    first == Long.MAX_VALUE ? 0 : now - first));
        }
        return stats;
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

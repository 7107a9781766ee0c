package io.hermod.queue;

import io.hermod.delivery.Destination;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.TransactionResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The schedule of the domains one shard owns. Runs on one event loop and is the only code that
 * touches their queue state: deliveries deferred to a later attempt wait in one priority queue
 * ordered by due time, woken by one timer; due ones are held here while their next hop is looked
 * up (or while their domain is suspended) and otherwise lent to their site (see
 * {@link SiteDispatcher}) until the attempt's result comes back to be settled and applied.
 */
final class QueueShard {

    /** How long a domain keeps its next hop before it is looked up again (the resolver caches by TTL). */
    static final long REFRESH_MILLIS = 30_000;

    /** What the shard needs of the world around it; the verticle provides it, a unit test fakes it. */
    interface World {
        long now();

        /** Calls {@code wake} on this shard's loop at {@code dueMillis}; replaces the previous wake-up. */
        void wakeAt(long dueMillis, Runnable wake);

        /** Looks up {@code domain}'s next hop and calls {@code done} with it on this shard's loop. */
        void lookup(String domain, Consumer<NextHop.Lookup> done);

        /** Lends {@code delivery} to the site of {@code destination}, on the site owner's loop. */
        void offer(Destination destination, Delivery delivery);

        /** Asks the owner of site {@code key} to hand back {@code domain}'s waiting deliveries. */
        void withdraw(String key, String domain);

        /**
         * The retry schedule for {@code domain}'s mail at {@code destination} (null before its first
         * lookup): shaping's {@code retry_*} for its site, else {@code queue.retry.*}.
         */
        default RetryPolicy retryFor(String domain, Destination destination) {
            return null;
        }
    }

    private final World world;
    private final Settlement settlement;
    private final SettlementEffects effects;
    private final MessageLedger ledger;
    private final Map<String, DomainQueue> domains = new HashMap<>();
    private final PriorityQueue<Delivery> schedule = new PriorityQueue<>();
    private long wakeDue = Long.MAX_VALUE;

    QueueShard(World world, Settlement settlement, SettlementEffects effects, MessageLedger ledger) {
        this.world = world;
        this.settlement = settlement;
        this.effects = effects;
        this.ledger = ledger;
    }

    /** A delivery for one of this shard's domains: new, recovered from the spool, or split off. */
    void accept(Delivery delivery) {
        DomainQueue q = domains.computeIfAbsent(delivery.domain, DomainQueue::new);
        long now = world.now();
        if (!ledger.isOpen(delivery.envelope.id())) {
            delivery.takeBody(); // deleted by an operator
        } else if (settlement.expired(delivery.envelope.arrivalMillis(), now)) {
            apply(q, delivery, settlement.expire(delivery.states, delivery.pending()), null);
        } else if (delivery.dueMillis() > now) {
            defer(q, delivery);
        } else {
            due(q, delivery);
        }
    }

    private void defer(DomainQueue q, Delivery delivery) {
        delivery.takeBody();
        q.scheduled++;
        schedule.add(delivery);
        armTimer();
    }

    /** A delivery due now: lent to its site, or held while the domain is suspended or its next hop unknown. */
    private void due(DomainQueue q, Delivery delivery) {
        if (q.suspended) {
            q.held.add(delivery);
            return;
        }
        if (q.destination != null && world.now() - q.resolvedAtMillis < REFRESH_MILLIS) {
            q.atSite.add(delivery);
            world.offer(q.destination, delivery);
            return;
        }
        q.held.add(delivery);
        if (!q.resolving) {
            q.resolving = true;
            world.lookup(q.domain, lookup -> resolved(q, lookup));
        }
    }

    private void resolved(DomainQueue q, NextHop.Lookup lookup) {
        q.resolving = false;
        List<Delivery> waiting = new ArrayList<>(q.held);
        if (lookup.found()) {
            q.destination = lookup.destination();
            q.resolvedAtMillis = world.now();
            if (!q.suspended) {
                q.held.clear();
                waiting.forEach(d -> due(q, d));
            }
            return;
        }
        if (q.suspended) {
            return; // looked up again on resume
        }
        // No next hop: an attempt for every delivery waiting, failed with the lookup's answer.
        q.held.clear();
        for (Delivery d : waiting) {
            attempted(q, d, TransactionResult.all(d.pending(), lookup.failure(), false, null), 0);
        }
    }

    /** The result of a lent delivery's attempt, back from its site. */
    void attempted(Delivery delivery, TransactionResult result, long notBeforeMillis) {
        DomainQueue q = domains.computeIfAbsent(delivery.domain, DomainQueue::new);
        q.atSite.remove(delivery);
        attempted(q, delivery, result, notBeforeMillis);
    }

    private void attempted(DomainQueue q, Delivery delivery, TransactionResult result, long notBeforeMillis) {
        String remote = result.remote() == null ? null : result.remote().name();
        RetryPolicy retry = world.retryFor(q.domain, q.destination);
        Settlement.Plan plan = retry == null
                ? settlement.settle(delivery.envelope.arrivalMillis(), delivery.states, result.outcomes(), remote,
                        world.now(), notBeforeMillis, ledger.delayReported(delivery.envelope.id()))
                : settlement.settle(delivery.envelope.arrivalMillis(), delivery.states, result.outcomes(), remote,
                        world.now(), notBeforeMillis, ledger.delayReported(delivery.envelope.id()), retry);
        apply(q, delivery, plan, result.remote());
    }

    /** Lent deliveries handed back unattempted: held again (suspended domain) or dropped (deleted message). */
    void withdrawn(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            DomainQueue q = domains.computeIfAbsent(d.domain, DomainQueue::new);
            q.atSite.remove(d);
            if (ledger.isOpen(d.envelope.id())) {
                due(q, d);
            } else {
                d.takeBody();
            }
        }
    }

    /** Lent deliveries that shaping would not send now: scheduled again for {@code notBeforeMillis}, no attempt counted. */
    void postponed(List<Delivery> deliveries, long notBeforeMillis) {
        for (Delivery d : deliveries) {
            DomainQueue q = domains.computeIfAbsent(d.domain, DomainQueue::new);
            q.atSite.remove(d);
            if (ledger.isOpen(d.envelope.id())) {
                d.retryAt(d.pending(), notBeforeMillis);
                defer(q, d);
            } else {
                d.takeBody();
            }
        }
    }

    /** Carries out a plan: states and events, reports, and the delivery's next place in the schedule. */
    private void apply(DomainQueue q, Delivery delivery, Settlement.Plan plan, Destination.Candidate remote) {
        delivery.takeBody();
        effects.apply(delivery, plan, remote);
        if (!plan.resend().isEmpty()) {
            Delivery again = plan.deferred().isEmpty() ? delivery : delivery.fork(plan.resend(), 0);
            again.retryAt(plan.resend(), 0);
            due(q, again);
        }
        if (!plan.deferred().isEmpty()) {
            delivery.retryAt(plan.deferred(), plan.dueMillis());
            defer(q, delivery);
        }
        effects.report(delivery, plan, again -> defer(domains.computeIfAbsent(again.domain, DomainQueue::new), again));
    }

    /** One wake-up for the shard, set for the next due delivery. */
    private void armTimer() {
        long next = schedule.isEmpty() ? Long.MAX_VALUE : schedule.peek().dueMillis();
        if (next != wakeDue) {
            wakeDue = next;
            world.wakeAt(next, this::wake);
        }
    }

    void wake() {
        wakeDue = Long.MAX_VALUE;
        long now = world.now();
        while (!schedule.isEmpty() && schedule.peek().dueMillis() <= now) {
            Delivery d = schedule.poll();
            DomainQueue q = domains.get(d.domain);
            q.scheduled--;
            accept(d);
        }
        armTimer();
    }

    /** Drops the entries of domains with nothing left (their next hop is looked up again if mail comes back). */
    void tick() {
        domains.values().removeIf(DomainQueue::isIdle);
    }

    // ---- operator actions (QueueAdmin), run on this shard's event loop ----

    void suspend(String domain) {
        DomainQueue q = domains.computeIfAbsent(domain, DomainQueue::new);
        q.suspended = true;
        if (q.destination != null && !q.atSite.isEmpty()) {
            world.withdraw(q.destination.key(), domain);
        }
    }

    void resume(String domain) {
        DomainQueue q = domains.get(domain);
        if (q == null || !q.suspended) {
            return;
        }
        q.suspended = false;
        // re-enter through due(), so that a stale or missing next hop is looked up first
        List<Delivery> waiting = new ArrayList<>(q.held);
        q.held.clear();
        waiting.forEach(d -> due(q, d));
    }

    /** Makes the domain's deferred deliveries due now; returns how many. */
    int flush(String domain) {
        return flush(Set.of(domain));
    }

    /** Makes the deferred deliveries of {@code flushed} due now, in one pass over the schedule; returns how many. */
    int flush(Set<String> flushed) {
        List<Delivery> due = new ArrayList<>();
        schedule.removeIf(d -> {
            if (flushed.contains(d.domain)) {
                due.add(d);
                return true;
            }
            return false;
        });
        for (Delivery d : due) {
            domains.get(d.domain).scheduled--;
        }
        for (Delivery d : due) {
            d.retryAt(d.pending(), 0);
            accept(d);
        }
        armTimer();
        return due.size();
    }

    /**
     * Bounces the domain's waiting deliveries (scheduled for a retry, or held while suspended or
     * while the next hop is looked up) as if their attempt had failed for good with {@code why}:
     * DSNs and Bounce events as for any permanent failure. Deliveries already lent to a connection
     * are left to finish (suspend the domain first to have them handed back). Returns how many.
     */
    int bounce(String domain, Outcome why) {
        List<Delivery> waiting = new ArrayList<>();
        schedule.removeIf(d -> {
            if (d.domain.equals(domain)) {
                waiting.add(d);
                return true;
            }
            return false;
        });
        DomainQueue q = domains.get(domain);
        if (q == null) {
            return 0;
        }
        q.scheduled -= waiting.size();
        waiting.addAll(q.held);
        q.held.clear();
        for (Delivery d : waiting) {
            attempted(q, d, TransactionResult.all(d.pending(), why, false, null), 0);
        }
        armTimer();
        return waiting.size();
    }

    /** Per domain: held or waiting at its site, scheduled, in flight. */
    List<QueueAdmin.DomainStats> stats() {
        long now = world.now();
        Map<String, Long> oldest = new HashMap<>();
        for (Delivery d : schedule) {
            oldest.merge(d.domain, d.envelope.arrivalMillis(), Math::min);
        }
        List<QueueAdmin.DomainStats> stats = new ArrayList<>();
        for (DomainQueue q : domains.values()) {
            if (q.held.isEmpty() && q.atSite.isEmpty() && q.scheduled == 0 && !q.suspended) {
                continue;
            }
            long first = oldest.getOrDefault(q.domain, Long.MAX_VALUE);
            for (Delivery d : q.held) {
                first = Math.min(first, d.envelope.arrivalMillis());
            }
            for (Delivery d : q.atSite) {
                first = Math.min(first, d.envelope.arrivalMillis());
            }
            int inFlight = q.inFlight();
            stats.add(new QueueAdmin.DomainStats(q.domain, q.held.size() + q.atSite.size() - inFlight, q.scheduled,
                    inFlight, q.suspended, first == Long.MAX_VALUE ? 0 : now - first));
        }
        return stats;
    }

    /** Totals for the gauges: ready, scheduled, in flight. */
    int[] totals() {
        int ready = 0;
        int inFlight = 0;
        for (DomainQueue q : domains.values()) {
            int f = q.inFlight();
            inFlight += f;
            ready += q.held.size() + q.atSite.size() - f;
        }
        return new int[] {ready, schedule.size(), inFlight};
    }
}

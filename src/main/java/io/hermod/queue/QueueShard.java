package io.hermod.queue;

import io.hermod.delivery.Destination;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.TransactionResult;
import io.hermod.spool.Slot;
import io.hermod.spool.Schedule;
import io.hermod.spool.Spool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The schedule of the domains one shard owns. Runs on one event loop and is the only code that
 * touches their queue state.
 *
 * <p>Every delivery has a slot in the spool's schedule ({@link Slot}); the heap holds only the
 * deliveries due now, up to {@code queue.max_ready} per domain and {@link #memoryCap} per shard.
 * A delivery deferred to a later attempt is written to its new slot and leaves memory; a domain's
 * due slots are read back in due order, one bounded batch at a time, when its window has room.
 * In memory, a delivery is held here while its next hop is looked up, or lent to its site (see
 * {@link SiteDispatcher}) until the attempt's result comes back to be settled and applied. A
 * suspended domain keeps nothing in memory but its counts.
 *
 * <p>The slots of the deliveries in memory are remembered ({@link DomainQueue#loaded}) so that a
 * read passes over them; a slot leaves that set only once its move is written, and not while a
 * read that may have seen it is running, so no delivery is ever in memory twice.
 */
final class QueueShard {

    /** How long a domain keeps its next hop before it is looked up again (the resolver caches by TTL). */
    static final long REFRESH_MILLIS = 30_000;
    /**
     * Bounced recipients keep a slot this long while their DSN is written: if Hermod stops before
     * that, they are tried again (and bounced again) after a restart rather than forgotten.
     */
    static final long REPORT_SLOT_MILLIS = 10 * 60_000;
    /** Slots read from the spool at a time. */
    static final int READ_BATCH = 256;
    /** Slots read of a domain whose site is not known yet (after a restart, 2000 domains would fill memory). */
    static final int FIRST_READ = 16;

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

        /**
         * Replaces slot {@code old} (none when null) by {@code replacements} in the spool's schedule,
         * in one write, and calls {@code done} on this shard's loop once it is written: with whether
         * the replacements were (not when the message is gone), or null when the write was given up
         * after retries (the old slot then stays where it was).
         */
        void reschedule(Slot old, List<Slot> replacements, Consumer<Boolean> done);

        /** Reads due slots off this loop (see {@link Schedule#readDue}) and calls {@code done} on this loop. */
        void read(Read request, Consumer<Schedule.DueBatch> done);
    }

    /** One read of a domain's schedule; {@code skip} is a copy, safe to read on another thread. */
    record Read(String domain, byte[] from, long dueUpTo, long writtenUpTo, int limit, Set<Slot> skip) {
    }

    private final World world;
    private final Settlement settlement;
    private final SettlementEffects effects;
    private final MessageLedger ledger;
    private final int maxReady;
    private final int memoryCap;
    private final int siteWindow;
    /** Per site: deliveries this shard has lent it, and the domains waiting for it to take more. */
    private final Map<String, SiteLoad> siteLoads = new HashMap<>();
    private final Map<String, DomainQueue> domains = new HashMap<>();
    /** Domains with stored slots that can be read, earliest first. */
    private final TreeSet<DomainQueue> waiting = new TreeSet<>(Comparator.<DomainQueue>comparingLong(q -> q.nextDueMillis)
            .thenComparing(q -> q.domain));
    /**
     * Sites that sent mail back because they hold all they may ({@code max_ready}): their domains'
     * stored slots are not read until then, so the queue is not read and written back in a loop.
     */
    private final Map<String, Long> sitesFullUntil = new HashMap<>();
    /** Deliveries in memory. */
    private int inMemory;
    private boolean reading;
    /** The start-up scan has counted every domain. */
    private boolean counted = true;
    private long wakeDue = Long.MAX_VALUE;

    /**
     * {@code maxReady}: deliveries in memory per domain; {@code memoryCap}: per shard;
     * {@code siteWindow}: deliveries this shard lends one site before it stops reading that site's
     * domains from the spool (a site holds {@code max_ready}; sending it more only sends mail back).
     */
    QueueShard(World world, Settlement settlement, SettlementEffects effects, MessageLedger ledger, int maxReady,
               int memoryCap, int siteWindow) {
        this.world = world;
        this.settlement = settlement;
        this.effects = effects;
        this.ledger = ledger;
        this.maxReady = maxReady;
        this.memoryCap = memoryCap;
        this.siteWindow = siteWindow;
    }

    /** What this shard has lent one site, and its domains that wait for room there. */
    private static final class SiteLoad {
        int lent;
        /** Domains waiting to read stored mail for the site. */
        final java.util.LinkedHashSet<DomainQueue> starved = new java.util.LinkedHashSet<>();
        /** Domains with due deliveries held in memory until the site has room for them. */
        final java.util.LinkedHashSet<DomainQueue> holding = new java.util.LinkedHashSet<>();
    }

    private DomainQueue queue(String domain) {
        return domains.computeIfAbsent(domain, d -> new DomainQueue(d, counted));
    }

    // ---- start-up ----

    /** The start-up scan is under way: domains are read only once it has counted them. */
    void counting() {
        counted = false;
        for (DomainQueue q : domains.values()) {
            q.counted = false;
        }
    }

    /** The start-up scan counted {@code slots} stored slots of {@code domain}, the first due at {@code firstDue}. */
    void counted(String domain, int slots, long firstDue, long oldestMillis) {
        DomainQueue q = queue(domain);
        waiting.remove(q);
        q.stored += slots;
        q.counted = true;
        q.readCursor = null;
        q.nextDueMillis = Math.min(q.nextDueMillis, firstDue);
        q.oldestStoredMillis = Math.min(q.oldestStoredMillis, oldestMillis);
        enlist(q);
        pump();
    }

    /** The start-up scan is done: a domain it did not count has nothing stored from before. */
    void countedAll() {
        counted = true;
        for (DomainQueue q : domains.values()) {
            if (!q.counted) {
                q.counted = true;
                enlist(q);
            }
        }
        pump();
    }

    // ---- deliveries coming in ----

    /** A new delivery (intake, a hand-off, a DSN) for one of this shard's domains, its slot already written. */
    void accept(Delivery delivery) {
        DomainQueue q = queue(delivery.domain);
        if (!q.loaded.add(delivery.slot)) {
            delivery.takeBody(); // a read of the schedule found it first
            return;
        }
        inMemory++;
        admit(q, delivery);
    }

    /** A delivery now in memory: dropped, expired, sent back to its slot, or due. */
    private void admit(DomainQueue q, Delivery delivery) {
        long now = world.now();
        if (!ledger.isOpen(delivery.envelope.id())) {
            leave(q, delivery, List.of(), null); // deleted by an operator
        } else if (settlement.expired(delivery.envelope.arrivalMillis(), now)) {
            apply(q, delivery, settlement.expire(delivery.states, delivery.pending()), null);
        } else if (delivery.dueMillis() > now) {
            defer(q, delivery);
        } else if (q.inMemory() >= maxReady || inMemory > memoryCap) {
            release(q, delivery); // no room in memory (new mail faster than its site takes it): read when there is
        } else {
            due(q, delivery);
        }
    }

    /** Back to the schedule at its due time: written to a new slot, and out of memory. */
    private void defer(DomainQueue q, Delivery delivery) {
        Slot next = delivery.slot.at(delivery.dueMillis(), delivery.pending(), world.now());
        if (next.equals(delivery.slot)) {
            release(q, delivery); // already stored where it belongs (a hand-off's deferred mail)
        } else {
            leave(q, delivery, List.of(next), next);
        }
    }

    /**
     * {@code delivery} leaves memory: its slot is replaced by {@code replacements}, of which
     * {@code stored} (or none) waits in the spool. Its slot stays in {@link DomainQueue#loaded}
     * until the write is done.
     */
    private void leave(DomainQueue q, Delivery delivery, List<Slot> replacements, Slot stored) {
        delivery.takeBody();
        Slot old = delivery.slot;
        if (stored != null) {
            q.stored++;
        }
        // counted in memory until written: the writer's queue is bounded by the shard's memory cap
        q.leaving++;
        world.reschedule(old, replacements, written -> afterWrite(q, () -> {
            moved(q, old, true, stored, written);
            left(q);
        }));
        enlist(q);
        pump();
    }

    /** A delivery's move is written: it is out of memory now. */
    private void left(DomainQueue q) {
        q.leaving--;
        inMemory--;
    }

    /**
     * A move in the schedule is written ({@code written}: with its replacements, or without them as
     * the message is gone; null: given up). Until then {@code old} stayed in memory's set of slots;
     * a move given up leaves it there, so that the old slot is not read again in this process.
     */
    private void moved(DomainQueue q, Slot old, boolean forgetOld, Slot stored, Boolean written) {
        if (written == null) {
            if (stored != null) {
                q.stored--;
            }
            return;
        }
        if (forgetOld) {
            q.loaded.remove(old);
        }
        if (stored != null) {
            if (written) {
                storedAt(q, stored);
            } else {
                q.stored--;
            }
        }
    }

    /**
     * {@code delivery} leaves memory unchanged: its slot in the spool stays as it is (a suspended
     * domain's mail, or mail waiting for room).
     */
    private void release(DomainQueue q, Delivery delivery) {
        if (delivery.slot.fresh()) {
            // reads pass over a slot fresh from its commit: written again, not fresh, it can be read
            Slot again = delivery.slot.at(delivery.slot.dueMillis(), delivery.slot.recipients(), world.now());
            leave(q, delivery, List.of(again), again);
            return;
        }
        delivery.takeBody();
        inMemory--;
        q.stored++;
        Slot slot = delivery.slot;
        afterWrite(q, () -> {
            q.loaded.remove(slot);
            storedAt(q, slot);
        });
        enlist(q);
        pump();
    }

    /** Runs {@code action} now, or after the domain's read in progress (which may have seen the old state). */
    private void afterWrite(DomainQueue q, Runnable action) {
        if (q.reading) {
            q.afterRead.add(action);
        } else {
            action.run();
            enlist(q);
            pump();
        }
    }

    /** A slot now stored: the domain has something due then. */
    private void storedAt(DomainQueue q, Slot slot) {
        q.oldestStoredMillis = Math.min(q.oldestStoredMillis, slot.id().millis());
        if (q.readCursor != null && slot.before(q.readCursor)) {
            q.readCursor = slot.key(); // what lies before it is in memory or gone
        }
        if (slot.dueMillis() < q.nextDueMillis) {
            boolean was = waiting.remove(q);
            q.nextDueMillis = slot.dueMillis();
            if (was) {
                waiting.add(q);
            }
        }
    }

    /** Puts the domain among those waiting to be read, when it can be. */
    private void enlist(DomainQueue q) {
        if (q.readable() && q.nextDueMillis != Long.MAX_VALUE && maxReady - q.inMemory() >= lowWater(maxReady)) {
            waiting.add(q);
        }
    }

    /** Starts the next read, if some domain's slots are due and memory has room; else sets the timer. */
    private void pump() {
        if (reading) {
            return;
        }
        long now = world.now();
        while (!waiting.isEmpty()) {
            DomainQueue q = waiting.first();
            if (q.nextDueMillis > now) {
                break;
            }
            Long full = q.destination == null || q.bounceWhy != null ? null : sitesFullUntil.get(q.destination.key());
            if (full != null) {
                waiting.pollFirst();
                if (full > now) {
                    q.nextDueMillis = Math.max(q.nextDueMillis, full);
                    waiting.add(q);
                    continue;
                }
                sitesFullUntil.remove(q.destination.key());
                waiting.add(q);
            }
            int room = Math.min(maxReady - q.inMemory(), memoryCap - inMemory);
            if (memoryCap - inMemory < lowWater(memoryCap)) {
                return; // deliveries leaving memory call pump again
            }
            waiting.pollFirst();
            if (room <= 0 || !q.readable()) {
                continue; // enlisted again when its deliveries leave memory
            }
            if (q.destination == null && q.bounceWhy == null) {
                if (q.inMemory() > 0) {
                    continue; // its site is being looked up: enlisted again when it is known
                }
                room = Math.min(room, FIRST_READ); // its site is not known yet: a taste, not a window
            } else if (q.destination != null && q.bounceWhy == null) {
                SiteLoad load = siteLoads.computeIfAbsent(q.destination.key(), k -> new SiteLoad());
                if (siteWindow - load.lent < lowWater(siteWindow)) {
                    load.starved.add(q); // enlisted again when the site has taken a good part of what it has
                    continue;
                }
                room = Math.min(room, siteWindow - load.lent);
            }
            read(q, room, now);
            return;
        }
        armTimer();
    }

    private void read(DomainQueue q, int room, long now) {
        reading = true;
        q.reading = true;
        long sweep = q.sweepUpToMillis;
        world.read(new Read(q.domain, sweep >= 0 ? q.sweepCursor : q.readCursor, now, sweep, Math.min(room, READ_BATCH),
                Set.copyOf(q.loaded)), batch -> readDone(q, sweep, batch));
    }

    /** A read's answer: the due deliveries come into memory, and the domain knows where it stands. */
    private void readDone(DomainQueue q, long sweep, Schedule.DueBatch batch) {
        reading = false;
        q.reading = false;
        if (batch.failed()) {
            afterRead(q);
            q.nextDueMillis = Math.max(q.nextDueMillis, world.now() + 1000); // try again in a second, sweep and all
            enlist(q);
            pump();
            return;
        }
        q.stored = Math.max(0, q.stored - batch.stale());
        boolean sweepGoesOn = sweep >= 0 && q.sweepUpToMillis == sweep;
        List<Delivery> arrived = new ArrayList<>(batch.found().size());
        for (Schedule.Due due : batch.found()) {
            if (!q.loaded.add(due.slot())) {
                continue; // came in from intake meanwhile
            }
            q.stored = Math.max(0, q.stored - 1);
            inMemory++;
            arrived.add(new Delivery(due.envelope(), due.slot(), due.pending()));
        }
        if (sweepGoesOn) {
            q.sweepCursor = batch.cursor();
            if (batch.cursor() == null) {
                q.sweepUpToMillis = -1;
            }
        } else if (sweep < 0 && batch.cursor() != null) {
            q.readCursor = batch.cursor();
        }
        if (q.stored == 0) {
            q.nextDueMillis = Long.MAX_VALUE;
            q.oldestStoredMillis = Long.MAX_VALUE;
            q.sweepUpToMillis = -1; // nothing left to sweep
            q.sweepCursor = null;
        } else {
            // during or after a sweep (one may have been asked for while this read ran), the next read finds
            // out; a sweeping domain takes its turn with the others that are due
            q.nextDueMillis = sweep >= 0 || q.sweepUpToMillis >= 0 ? world.now() : batch.nextDueMillis();
        }
        afterRead(q);
        Outcome bounce = sweep >= 0 ? q.bounceWhy : null;
        if (q.sweepUpToMillis < 0) {
            q.bounceWhy = null;
        }
        for (Delivery d : arrived) {
            boolean swept = sweep >= 0 && d.slot.writtenMillis() <= sweep;
            if (swept && bounce != null) {
                attempted(q, d, TransactionResult.all(d.pending(), bounce, false, null), 0);
            } else {
                if (swept) {
                    d.retryAt(d.pending(), 0);
                }
                admit(q, d);
            }
        }
        enlist(q);
        pump();
    }

    private static void afterRead(DomainQueue q) {
        List<Runnable> waited = List.copyOf(q.afterRead);
        q.afterRead.clear();
        waited.forEach(Runnable::run);
    }

    /**
     * A delivery due now: lent to its site, or held, in turn, until the site has room for more from
     * this shard or while its next hop is looked up; a suspended domain's goes back.
     */
    private void due(DomainQueue q, Delivery delivery) {
        if (q.suspended) {
            release(q, delivery);
            return;
        }
        if (q.destination != null && world.now() - q.resolvedAtMillis < REFRESH_MILLIS) {
            SiteLoad load = siteLoads.computeIfAbsent(q.destination.key(), k -> new SiteLoad());
            if (q.held.isEmpty() && load.lent < siteWindow) {
                lend(q, load, delivery);
            } else {
                // the site has what this shard may lend it (more would only come back to be written again)
                q.held.add(delivery);
                load.holding.add(q);
                lendHeld(load);
            }
            return;
        }
        q.held.add(delivery);
        lookUp(q);
    }

    private void lookUp(DomainQueue q) {
        if (!q.resolving) {
            q.resolving = true;
            world.lookup(q.domain, lookup -> resolved(q, lookup));
        }
    }

    private void lend(DomainQueue q, SiteLoad load, Delivery delivery) {
        q.atSite.add(delivery);
        delivery.lentTo = q.destination.key();
        load.lent++;
        world.offer(q.destination, delivery);
    }

    /**
     * Lends the site held deliveries while it has room, a domain at a time in turn; a quarter of
     * the window stays for stored mail when some domain waits to read it.
     */
    private void lendHeld(SiteLoad load) {
        int limit = load.starved.isEmpty() ? siteWindow : siteWindow - lowWater(siteWindow);
        while (load.lent < limit && !load.holding.isEmpty()) {
            DomainQueue q = load.holding.iterator().next();
            load.holding.remove(q);
            if (q.resolving || q.suspended || q.destination == null || siteLoads.get(q.destination.key()) != load) {
                continue; // its held mail waits for the lookup, or went back to the spool
            }
            Delivery d = q.held.pollFirst();
            if (d == null) {
                continue;
            }
            if (!q.held.isEmpty()) {
                load.holding.add(q); // at the end: the domains take turns
            }
            if (world.now() - q.resolvedAtMillis < REFRESH_MILLIS) {
                lend(q, load, d);
            } else {
                q.held.addFirst(d);
                lookUp(q); // its held mail goes on once the next hop is known again
            }
        }
    }

    private void resolved(DomainQueue q, NextHop.Lookup lookup) {
        q.resolving = false;
        List<Delivery> waiting = new ArrayList<>(q.held);
        q.held.clear();
        if (lookup.found()) {
            q.destination = lookup.destination();
            q.resolvedAtMillis = world.now();
            waiting.forEach(d -> due(q, d));
            enlist(q);
            pump();
            return;
        }
        if (q.suspended) {
            waiting.forEach(d -> release(q, d)); // looked up again on resume
            return;
        }
        // No next hop: an attempt for every delivery waiting, failed with the lookup's answer.
        for (Delivery d : waiting) {
            attempted(q, d, TransactionResult.all(d.pending(), lookup.failure(), false, null), 0);
        }
    }

    /** The result of a lent delivery's attempt, back from its site. */
    void attempted(Delivery delivery, TransactionResult result, long notBeforeMillis) {
        DomainQueue q = queue(delivery.domain);
        back(q, delivery);
        attempted(q, delivery, result, notBeforeMillis);
    }

    private void attempted(DomainQueue q, Delivery delivery, TransactionResult result, long notBeforeMillis) {
        String remote = result.remote() == null ? null : result.remote().name();
        RetryPolicy retry = world.retryFor(q.domain, q.destination);
        boolean delayReported = ledger.delayReported(delivery.envelope);
        Settlement.Plan plan = retry == null
                ? settlement.settle(delivery.envelope.arrivalMillis(), delivery.states, result.outcomes(), remote,
                        world.now(), notBeforeMillis, delayReported)
                : settlement.settle(delivery.envelope.arrivalMillis(), delivery.states, result.outcomes(), remote,
                        world.now(), notBeforeMillis, delayReported, retry);
        apply(q, delivery, plan, result.remote());
    }

    /**
     * The room a window must have before it is filled again: reads come in batches worth their cost
     * (a hop to a worker, a seek), not one slot each time one delivery comes back.
     */
    private static int lowWater(int window) {
        return Math.max(1, Math.min(READ_BATCH, window / 4));
    }

    /** A lent delivery is back from its site: the site has room for another from this shard. */
    private void back(DomainQueue q, Delivery delivery) {
        q.atSite.remove(delivery);
        SiteLoad load = delivery.lentTo == null ? null : siteLoads.get(delivery.lentTo);
        delivery.lentTo = null;
        if (load == null) {
            return;
        }
        load.lent--;
        lendHeld(load);
        if (siteWindow - load.lent >= lowWater(siteWindow) && !load.starved.isEmpty()) {
            List<DomainQueue> again = List.copyOf(load.starved);
            load.starved.clear();
            again.forEach(this::enlist);
        }
    }

    /** Lent deliveries handed back unattempted: due again (a suspended domain's go back to the spool) or dropped. */
    void withdrawn(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            DomainQueue q = queue(d.domain);
            back(q, d);
            if (ledger.isOpen(d.envelope.id())) {
                due(q, d);
            } else {
                leave(q, d, List.of(), null);
            }
        }
    }

    /**
     * Lent deliveries that shaping would not send now: back to the schedule for {@code
     * notBeforeMillis}, no attempt counted. Their site holds all it may, so its domains' stored
     * mail is not read for half that time.
     */
    void postponed(List<Delivery> deliveries, long notBeforeMillis) {
        long now = world.now();
        for (Delivery d : deliveries) {
            DomainQueue q = queue(d.domain);
            if (q.destination != null && notBeforeMillis > now) {
                sitesFullUntil.merge(q.destination.key(), now + (notBeforeMillis - now) / 2, Math::max);
            }
            back(q, d);
            if (ledger.isOpen(d.envelope.id())) {
                d.retryAt(d.pending(), notBeforeMillis);
                defer(q, d);
            } else {
                leave(q, d, List.of(), null);
            }
        }
    }

    /**
     * Carries out a plan: states and events, reports, and the schedule: recipients to send again
     * now stay in memory at a slot due now, deferred ones move to a slot at their next attempt and
     * leave memory, bounced ones keep a slot until their DSN is written.
     */
    private void apply(DomainQueue q, Delivery delivery, Settlement.Plan plan, Destination.Candidate remote) {
        delivery.takeBody();
        effects.apply(delivery, plan, remote);
        long now = world.now();
        Slot old = delivery.slot;
        List<Slot> replacements = new ArrayList<>(2);
        Delivery again = null;
        if (!plan.resend().isEmpty()) {
            again = plan.deferred().isEmpty() ? delivery : delivery.fork(plan.resend(), 0);
            again.retryAt(plan.resend(), 0);
            Slot resend = old.at(now, plan.resend(), now);
            again.slot = resend.equals(old) ? old : resend;
            if (again.slot != old) {
                replacements.add(resend);
                q.loaded.add(resend);
            }
        }
        Slot deferred = null;
        if (!plan.deferred().isEmpty()) {
            delivery.retryAt(plan.deferred(), plan.dueMillis());
            deferred = old.at(plan.dueMillis(), plan.deferred(), now);
            replacements.add(deferred);
            q.stored++;
        }
        Slot reporting = null;
        if (!plan.bounced().isEmpty()) {
            // kept in memory's count until the DSN is spooled: a bounce sweep cannot outrun its reports
            reporting = old.at(now + REPORT_SLOT_MILLIS, plan.bouncedIndexes(), now);
            replacements.add(reporting);
            q.loaded.add(reporting);
            q.reporting++;
            inMemory++;
        }
        boolean keepsOld = again != null && again.slot == old;
        boolean leaves = again != delivery;
        if (again != null && again != delivery) {
            inMemory++;
        }
        if (leaves) {
            q.leaving++; // counted in memory until its move is written
        }
        if (!keepsOld || !replacements.isEmpty()) {
            Slot stored = deferred;
            world.reschedule(keepsOld ? null : old, replacements, written -> afterWrite(q, () -> {
                moved(q, old, !keepsOld, stored, written);
                if (leaves) {
                    left(q);
                }
            }));
        } else if (leaves) {
            left(q);
        }
        if (again != null) {
            due(q, again);
        }
        if (reporting != null) {
            Slot reportSlot = reporting;
            effects.report(delivery, plan, retryLater -> requeue(q, retryLater, reportSlot),
                    () -> world.reschedule(reportSlot, List.of(), written -> afterWrite(q, () -> reported(q, reportSlot,
                            written != null))));
        }
        enlist(q);
        pump();
    }

    /** A DSN is spooled (and its recipients recorded final) or given up on: its slot is done with. */
    private void reported(DomainQueue q, Slot reportSlot, boolean removed) {
        q.reporting--;
        inMemory--;
        if (removed) {
            q.loaded.remove(reportSlot);
        }
    }

    /** Bounced recipients whose DSN could not be written: their report slot moves to their next attempt. */
    private void requeue(DomainQueue q, Delivery retryLater, Slot reportSlot) {
        Slot next = reportSlot.at(retryLater.dueMillis(), retryLater.pending(), world.now());
        q.stored++;
        world.reschedule(reportSlot, List.of(next), written -> afterWrite(q, () -> {
            reported(q, reportSlot, written != null);
            moved(q, reportSlot, false, next, written);
        }));
    }

    /** One wake-up for the shard, set for the earliest domain waiting to be read. */
    private void armTimer() {
        long next = waiting.isEmpty() ? Long.MAX_VALUE : Math.max(waiting.first().nextDueMillis, world.now() + 1);
        if (next != wakeDue) {
            wakeDue = next;
            world.wakeAt(next, this::wake);
        }
    }

    void wake() {
        wakeDue = Long.MAX_VALUE;
        pump();
    }

    /** Drops the entries of domains with nothing left (their next hop is looked up again if mail comes back). */
    void tick() {
        domains.values().removeIf(DomainQueue::isIdle);
        long now = world.now();
        sitesFullUntil.values().removeIf(until -> until <= now);
        siteLoads.values().removeIf(load -> load.lent <= 0 && load.starved.isEmpty() && load.holding.isEmpty());
        // whatever bookkeeping missed, a domain with something stored is back among those waiting
        for (DomainQueue q : domains.values()) {
            enlist(q);
        }
        pump();
    }

    // ---- operator actions (QueueAdmin), run on this shard's event loop ----

    void suspend(String domain) {
        DomainQueue q = queue(domain);
        q.suspended = true;
        waiting.remove(q);
        List<Delivery> held = new ArrayList<>(q.held);
        if (!q.resolving) {
            q.held.clear();
            held.forEach(d -> release(q, d));
        }
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
        waiting.remove(q);
        q.nextDueMillis = Math.min(q.nextDueMillis, 0);
        enlist(q);
        pump();
    }

    /** Makes the domain's deferred deliveries due now; returns how many. */
    int flush(String domain) {
        return flush(Set.of(domain));
    }

    /**
     * Makes the stored deliveries of {@code flushed} due now: each domain's slots written until now
     * are read in turn, whatever their due time. Returns how many.
     */
    int flush(Set<String> flushed) {
        long count = 0;
        for (String domain : flushed) {
            DomainQueue q = domains.get(domain);
            if (q != null && q.destination != null) {
                sitesFullUntil.remove(q.destination.key());
            }
            if (q != null && q.stored > 0) {
                count += q.stored;
                sweep(q, null);
            }
        }
        pump();
        return (int) Math.min(Integer.MAX_VALUE, count);
    }

    private void sweep(DomainQueue q, Outcome bounceWhy) {
        if (bounceWhy == null && q.bounceWhy != null && q.sweepUpToMillis >= 0) {
            return; // a bounce under way takes everything a flush would
        }
        waiting.remove(q);
        q.sweepUpToMillis = world.now();
        q.sweepCursor = null;
        q.bounceWhy = bounceWhy;
        q.nextDueMillis = 0;
        enlist(q);
    }

    /**
     * Bounces the domain's waiting deliveries (stored, or held while the next hop is looked up) as
     * if their attempt had failed for good with {@code why}: DSNs and Bounce events as for any
     * permanent failure. The stored ones are read and bounced in turn, even while the domain is
     * suspended. Deliveries already lent to a connection are left to finish (suspend the domain
     * first to have them handed back). Returns how many.
     */
    int bounce(String domain, Outcome why) {
        DomainQueue q = domains.get(domain);
        if (q == null) {
            return 0;
        }
        long count = q.stored + q.held.size();
        List<Delivery> held = new ArrayList<>(q.held);
        q.held.clear();
        if (q.stored > 0) {
            sweep(q, why);
        }
        for (Delivery d : held) {
            attempted(q, d, TransactionResult.all(d.pending(), why, false, null), 0);
        }
        pump();
        return (int) Math.min(Integer.MAX_VALUE, count);
    }

    /** Per domain: held or waiting at its site, stored, in flight. */
    List<QueueAdmin.DomainStats> stats() {
        long now = world.now();
        List<QueueAdmin.DomainStats> stats = new ArrayList<>();
        for (DomainQueue q : domains.values()) {
            if (q.waiting() == 0 && q.stored == 0 && !q.suspended) {
                continue;
            }
            long first = q.oldestStoredMillis;
            for (Delivery d : q.held) {
                first = Math.min(first, d.envelope.arrivalMillis());
            }
            for (Delivery d : q.atSite) {
                first = Math.min(first, d.envelope.arrivalMillis());
            }
            int inFlight = q.inFlight();
            stats.add(new QueueAdmin.DomainStats(q.domain, q.waiting() - inFlight, clamp(q.stored), inFlight,
                    q.suspended, first == Long.MAX_VALUE ? 0 : Math.max(0, now - first)));
        }
        return stats;
    }

    /** Totals for the gauges: ready, stored, in flight. */
    int[] totals() {
        int ready = 0;
        long stored = 0;
        int inFlight = 0;
        for (DomainQueue q : domains.values()) {
            int f = q.inFlight();
            inFlight += f;
            ready += q.waiting() - f;
            stored += q.stored;
        }
        return new int[] {ready, clamp(stored), inFlight};
    }

    private static int clamp(long n) {
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}

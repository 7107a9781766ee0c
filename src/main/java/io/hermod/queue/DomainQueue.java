package io.hermod.queue;

import io.hermod.delivery.Destination;
import io.hermod.delivery.Outcome;
import io.hermod.spool.Slot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One recipient domain's queue state, owned by its shard. Its deliveries are in the spool's
 * schedule ({@link #stored} of them only there), and the ones due now are also in memory: either
 * {@link #held} here (while the next hop is looked up, or until the site has room for more from
 * this shard) or lent to the domain's site ({@link #atSite}) until their attempt is settled.
 */
final class DomainQueue {

    final String domain;
    final ArrayDeque<Delivery> held = new ArrayDeque<>();
    final Set<Delivery> atSite = new HashSet<>();
    /** Where its mail goes; null until the first lookup succeeds. */
    Destination destination;
    long resolvedAtMillis;
    boolean resolving;
    boolean suspended;

    /** Slots in the spool's schedule that are not in memory. */
    long stored;
    /** No stored slot is due before this (a lower bound; 0: read to find out); MAX_VALUE when none is stored. */
    long nextDueMillis = Long.MAX_VALUE;
    /** Arrival of the oldest message stored, as far as known (a lower bound; MAX_VALUE when none). */
    long oldestStoredMillis = Long.MAX_VALUE;
    /** The start-up scan has counted this domain's stored slots into {@link #stored}. */
    boolean counted;
    /** Slots of the deliveries in memory, and of those whose move in the schedule is being written. */
    final Set<Slot> loaded = new HashSet<>();
    /** A read of its schedule is running; what must wait for it is in {@link #afterRead}. */
    boolean reading;
    final List<Runnable> afterRead = new ArrayList<>();
    /**
     * Where the next read starts: everything before it is in memory or gone, until a slot is
     * stored before it (then null: from the domain's first slot). Reads do not wade again through
     * the deleted slots of mail already delivered.
     */
    byte[] readCursor;
    /** A flush or bounce is taking every slot written by this time, whatever its due time; -1 for none. */
    long sweepUpToMillis = -1;
    /** Where the sweep goes on; null to start at the domain's first slot. */
    byte[] sweepCursor;
    /** Why the sweep bounces what it takes; null for a flush. */
    Outcome bounceWhy;

    DomainQueue(String domain, boolean counted) {
        this.domain = domain;
        this.counted = counted;
    }

    /** Bounced recipients whose DSN is being spooled (their slot stays until it is). */
    int reporting;
    /** Deliveries whose move in the schedule is being written (out of memory when it is). */
    int leaving;

    /** Deliveries in memory: held here, at the site, leaving, or bounced with their DSN being spooled. */
    int inMemory() {
        return held.size() + atSite.size() + reporting + leaving;
    }

    /** Nothing waits, runs, is held or stored here: the entry can go. */
    boolean isIdle() {
        return held.isEmpty() && atSite.isEmpty() && reporting == 0 && leaving == 0 && stored == 0 && !suspended && !resolving && !reading
                && loaded.isEmpty() && sweepUpToMillis < 0 && counted;
    }

    /** Deliveries held here or at the site (the queue's "ready" and "in flight"). */
    int waiting() {
        return held.size() + atSite.size();
    }

    int inFlight() {
        int n = 0;
        for (Delivery d : atSite) {
            n += d.inFlight ? 1 : 0;
        }
        return n;
    }

    /** When its stored slots may be read: counted, not suspended (unless a bounce sweeps it), something stored. */
    boolean readable() {
        return counted && stored > 0 && !reading && (!suspended || bounceWhy != null);
    }
}

package io.hermod.queue;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.DeliveryException;
import io.hermod.delivery.Destination;
import io.hermod.delivery.Failure;
import io.hermod.delivery.OutboundConnection;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.delivery.TransactionResult;
import io.hermod.shaping.Rate;
import io.hermod.shaping.Shaping;
import io.hermod.shaping.Source;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.BindException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sites one shard's event loop owns, and the pump that feeds their connections. A site (a
 * destination's key) is owned by the shard {@code hash(key) mod queue.shards}, whichever shards
 * its domains belong to, so a destination has one pool per egress source for the whole process.
 * Domain shards lend due deliveries here ({@link #offer}); each comes back to its shard through
 * {@link Returns} with the attempt's result, unattempted when an operator withdraws it, or
 * postponed when shaping will not let it go now.
 *
 * <p>Shaping: each delivery is given a source of its message's pool by weighted round robin among
 * the sources not suspended at the site; a delivery starts only with a message-rate token of the
 * site × source (and of its provider) and on a connection that the connection limit and rate
 * allowed. Replies from servers are matched against the automation rules, which suspend a
 * site × source, change its values for a while, or bounce its mail.
 *
 * <p>A site × source that fails as a whole (no host reachable, a 421) is backed off: every delivery
 * waiting for it is returned as attempted with that failure and may not come back before the
 * backoff ends; the failure is logged once per backoff period.
 */
final class SiteDispatcher {

    private static final System.Logger LOG = System.getLogger(SiteDispatcher.class.getName());
    /** How long a source whose address cannot be bound is left alone before it is tried again. */
    static final long UNBINDABLE_MILLIS = 60_000;

    /** Where a lent delivery goes back to: its domain's shard, on that shard's event loop. */
    interface Returns {
        /** @param notBeforeMillis the site's backoff end when the site failed, else 0 */
        void attempted(Delivery delivery, TransactionResult result, long notBeforeMillis);

        void withdrawn(List<Delivery> deliveries);

        /** Not attempted, and not to be offered again before {@code notBeforeMillis} (no attempt counted). */
        void postponed(List<Delivery> deliveries, long notBeforeMillis);

        /** Makes the deferred mail of {@code domains} due now (a site they wait for was resumed). */
        void flush(Collection<String> domains);
    }

    private final SiteServices s;
    private final Returns back;
    private final LaneLimits limits;
    private final LaneAutomation automation;
    private final Map<String, Site> sites = new HashMap<>();
    private int inFlight;
    private Promise<Void> drained;

    SiteDispatcher(SiteServices services, Returns back) {
        this.s = services;
        this.back = back;
        this.limits = new LaneLimits(services, this::throttled);
        this.automation = new LaneAutomation(services, new LaneAutomation.Effects() {
            @Override
            public void suspend(Lane lane, long untilMillis, String why) {
                SiteDispatcher.this.suspend(lane, untilMillis, why);
            }

            @Override
            public void reshape(Lane lane) {
                SiteDispatcher.this.reshape(lane, s.shaping().current());
            }

            @Override
            public void bounceWaiting(Lane lane) {
                for (Delivery d : lane.withdrawAll()) {
                    back.attempted(d, TransactionResult.all(d.pending(), lane.bounceWith, false, null), 0);
                }
            }

            @Override
            public Lane lane(String siteKey, String source) {
                Site site = sites.get(siteKey);
                return site == null ? null : site.lanes.get(source);
            }

            @Override
            public void resume(String siteKey, String source) {
                Site site = sites.get(siteKey);
                if (site != null) {
                    SiteDispatcher.this.resume(site, source);
                }
            }
        });
    }

    /** Another pod suspended a site × source or applied a rule to it. */
    void applyShared(SiteAction action) {
        automation.applyShared(action);
    }

    /** Another pod resumed a site × source. */
    void liftShared(String siteKey, String source) {
        automation.liftShared(siteKey, source);
    }

    /** No delivery starts on the lane until {@code untilMillis}; what waits goes elsewhere or back. */
    private void suspend(Lane lane, long untilMillis, String why) {
        lane.suspendedUntil = Math.max(lane.suspendedUntil, untilMillis);
        lane.suspendedWhy = why;
        LOG.log(System.Logger.Level.WARNING, "delivery: " + lane.site.name() + " from source " + lane.source
                + " suspended for " + (untilMillis - s.clock().millis()) / 1000 + " s: " + why);
        replace(lane);
    }

    private static String label(String provider) {
        return provider == null ? "none" : provider;
    }

    /** The shard (of {@code shards}) that owns the site with this key. */
    static int ownerOf(String siteKey, int shards) {
        return Math.floorMod(siteKey.hashCode(), shards);
    }

    /** A due delivery for {@code destination}, lent by its domain's shard. */
    void offer(Destination destination, Delivery delivery) {
        Site site = sites.get(destination.key());
        if (site == null) {
            site = new Site(destination);
            sites.put(destination.key(), site);
        } else if (site.destination != destination) {
            site.destination = destination;
            for (Lane lane : site.lanes.values()) {
                lane.pool.update(destination);
            }
        }
        Shaping shaping = s.shaping().current();
        if (site.shapingGeneration != s.shaping().generation()) {
            site.reshaped(shaping, s.shaping().generation(), delivery.domain);
        }
        place(site, shaping, List.of(delivery));
    }

    /** Gives each delivery a source of its pool and a place in that lane, or sends it back for later. */
    private void place(Site site, Shaping shaping, List<Delivery> deliveries) {
        long now = s.clock().millis();
        List<Lane> touched = new ArrayList<>(1);
        for (Delivery d : deliveries) {
            if (site.domains.size() < Site.MAX_DOMAINS_SHOWN) {
                site.domains.add(d.domain);
            }
            String pool = shaping.poolFor(d.envelope.pool(), d.envelope.sender());
            Lane lane = null;
            for (int tries = 0; tries <= shaping.pool(pool).size() && lane == null; tries++) {
                String source = site.rotation(shaping, pool).next(name -> usable(site, name, now));
                if (source == null) {
                    break;
                }
                lane = lane(site, shaping, source);
                if (lane.suspended(now)) {
                    lane = null; // a new lane the cluster had already suspended: the rotation passes it over now
                }
            }
            if (lane == null) {
                site.postponedDomains.add(d.domain);
                back.postponed(List.of(d), resumeTime(site, shaping.pool(pool).keySet(), now));
                continue;
            }
            if (lane.bouncing(now)) {
                back.attempted(d, TransactionResult.all(d.pending(), lane.bounceWith, false, null), 0);
                continue;
            }
            if (lane.ready() >= lane.shaping.maxReady()) {
                // Beyond max_ready, mail waits in the schedule rather than in memory at the site.
                back.postponed(List.of(d), now + readyDelay(lane));
                continue;
            }
            lane.add(d);
            if (!touched.contains(lane)) {
                touched.add(lane);
            }
        }
        touched.forEach(this::pump);
    }

    /** Whether {@code source} may take mail for the site now: bound, and its lane not suspended. */
    private boolean usable(Site site, String source, long now) {
        Long until = s.unbindable().get(source);
        if (until != null && until > now) {
            return false;
        }
        Lane lane = site.lanes.get(source);
        return lane == null || !lane.suspended(now);
    }

    /** When the first of {@code sources} may be used at the site again. */
    private long resumeTime(Site site, Iterable<String> sources, long now) {
        long earliest = Long.MAX_VALUE;
        for (String source : sources) {
            Lane lane = site.lanes.get(source);
            long until = Math.max(lane == null ? 0 : lane.suspendedUntil, s.unbindable().getOrDefault(source, 0L));
            earliest = Math.min(earliest, until);
        }
        return earliest == Long.MAX_VALUE || earliest <= now ? now + 1000 : earliest;
    }

    /** How long mail over {@code max_ready} waits: about the time the lane needs for what it holds. */
    static long readyDelay(Lane lane) {
        return readyDelay(lane.ready(), lane.messageRate, lane.shaping.maxMessageRate());
    }

    /**
     * The time {@code ready} deliveries take at the lane's rate limit, or at its measured rate when
     * that is lower. Without a limit the measured rate is only a hint (one second's count, low while
     * the lane ramps up: 130/s made 7.7 s of a wait that the lane drained in well under one), so the
     * wait is at most {@link #UNLIMITED_READY_MILLIS}.
     */
    static long readyDelay(int ready, double measuredPerSecond, Rate limit) {
        double perSecond = measuredPerSecond > 0 ? measuredPerSecond : 0;
        if (limit != null && (perSecond == 0 || limit.perSecond() < perSecond)) {
            perSecond = limit.perSecond();
        }
        long drain = perSecond > 0 ? (long) (ready / perSecond * 1000) : READY_RETRY_MILLIS;
        long most = limit == null ? UNLIMITED_READY_MILLIS : 300_000;
        return Math.max(READY_RETRY_MILLIS / 5, Math.min(drain, most));
    }

    /** How soon mail over max_ready comes back when the lane's rate is not known yet. */
    static final long READY_RETRY_MILLIS = 500;
    /** The longest wait for mail over max_ready at a lane without a rate limit. */
    static final long UNLIMITED_READY_MILLIS = 1_000;

    private Lane lane(Site site, Shaping shaping, String source) {
        Lane lane = site.lanes.get(source);
        if (lane == null) {
            lane = new Lane(site, source);
            Lane created = lane;
            lane.shaping = lane.resolve(shaping, s.clock().millis());
            lane.shapingGeneration = site.shapingGeneration;
            Source src = shaping.source(source) != null ? shaping.source(source) : Source.unbound();
            lane.pool = s.pools().create(lane.key, site.destination, src,
                    limits.gate(lane, () -> s.onLoop().execute(() -> pump(created))));
            lane.configurePool(s.timeouts());
            lane.pool.onCapacityFreed(() -> pump(created));
            site.lanes.put(source, lane);
            automation.applyTo(lane);
        } else if (lane.shapingGeneration != site.shapingGeneration) {
            reshape(lane, shaping);
        }
        return lane;
    }

    private void reshape(Lane lane, Shaping shaping) {
        lane.shaping = lane.resolve(shaping, s.clock().millis());
        lane.shapingGeneration = lane.site.shapingGeneration;
        lane.configurePool(s.timeouts());
        Source src = shaping.source(lane.source) != null ? shaping.source(lane.source) : Source.unbound();
        lane.pool.useEgress(s.pools().egress(src));
    }

    /** Hands back the waiting (not in-flight) deliveries of {@code domain} at site {@code key}. */
    void withdraw(String key, String domain) {
        Site site = sites.get(key);
        if (site != null) {
            List<Delivery> taken = new ArrayList<>();
            for (Lane lane : site.lanes.values()) {
                taken.addAll(lane.withdraw(domain));
            }
            if (!taken.isEmpty()) {
                back.withdrawn(taken);
            }
        }
    }

    /** Gives waiting deliveries to idle connections and opens more while work exceeds them. */
    private void pump(Lane lane) {
        while (lane.ready() > 0 && drained == null && !lane.suspended(s.clock().millis())) {
            OutboundConnection connection = lane.pool.takeIdle();
            if (connection != null) {
                if (lane.pool.openConnections() > lane.shaping.connectionLimit()) {
                    lane.pool.release(connection, false); // the limit went down: close the excess as it idles
                    continue;
                }
                if (!startNext(lane, connection)) {
                    break;
                }
                continue;
            }
            // A throttle wait is pending: more connections would only idle until it is over.
            if (lane.pumpTimer >= 0 || !lane.pool.tryReserve(lane.ready(), s.clock().millis())) {
                break;
            }
            lane.pool.open().onComplete(ar -> {
                if (ar.succeeded()) {
                    if (drained != null || !startNext(lane, ar.result())) {
                        if (drained != null) {
                            lane.pool.release(ar.result(), true);
                        }
                    }
                } else {
                    connectFailed(lane, ar.cause());
                }
                pump(lane);
            });
        }
    }

    /**
     * Starts the lane's next delivery on {@code connection} if the message rate allows; otherwise
     * the connection goes back idle and the lane is pumped again when a token is due.
     */
    private boolean startNext(Lane lane, OutboundConnection connection) {
        Delivery next = takeStartable(lane, true);
        if (next == null) {
            lane.pool.release(connection, true);
            return false;
        }
        start(lane, connection, next, false);
        return true;
    }

    /**
     * The lane's next live delivery with its message token taken, or null: none waits, the lane is
     * suspended, or no token is free now (a wait that {@code countWait} counts as a throttle and
     * pumps the lane again after).
     */
    private Delivery takeStartable(Lane lane, boolean countWait) {
        if (lane.ready() == 0 || lane.suspended(s.clock().millis())) {
            return null;
        }
        long wait = limits.takeMessageToken(lane);
        if (wait != 0) {
            if (countWait) {
                throttled(lane, "message_rate", wait);
            }
            return null;
        }
        Delivery next = nextLive(lane);
        if (next == null) {
            limits.refundMessageToken(lane);
        }
        return next;
    }

    /** Counts a throttle wait and pumps the lane again when it is over (a lease wakes it itself: no wait given). */
    private void throttled(Lane lane, String limit, long waitNanos) {
        if (waitNanos >= 0) {
            s.observer().throttled(label(lane.site.provider), lane.source, limit);
        }
        if (waitNanos != 0 && lane.pumpTimer < 0) {
            lane.pumpTimer = s.timers().after(Math.max(1, (Math.abs(waitNanos) + 999_999) / 1_000_000), () -> {
                lane.pumpTimer = -1;
                pump(lane);
            });
        }
    }

    /** The next delivery whose message is still queued; those an operator deleted are handed back settled. */
    private Delivery nextLive(Lane lane) {
        Delivery d;
        while ((d = lane.next()) != null) {
            if (s.ledger().isOpen(d.envelope.id())) {
                return d;
            }
            back.withdrawn(List.of(d)); // its shard drops it
        }
        return null;
    }

    /** @param behind whether {@code delivery} goes behind the final dot of the message on {@code connection} */
    private void start(Lane lane, OutboundConnection connection, Delivery delivery, boolean behind) {
        lane.started++;
        lane.inFlight++;
        inFlight++;
        delivery.inFlight = true;
        Future<TransactionResult> sent = connection.send(delivery.envelope, delivery.pending(),
                s.bodies().apply(delivery), lane.shaping.maxRecipientsPerTransaction(), s.returnPath(),
                lane.shaping.pipelineAfterData() && !s.budget().hangsUpAfterEachMessage(lane.key)
                        ? () -> startBehind(lane, connection) : null);
        sent.onComplete(ar -> {
            lane.inFlight--;
            inFlight--;
            delivery.inFlight = false;
            TransactionResult result = ar.result();
            // A server that hangs up after each message: with a message behind the dot, it drops
            // that message's MAIL unread, or resets the connection before its own 250 is read (and
            // this message goes again). Either way, the site stops getting messages behind a dot.
            if ((behind && lostAt(result, ClientStep.MAIL)
                    || connection.inFlight() > 0 && lostAt(result, ClientStep.END_OF_DATA))
                    && s.budget().markHangsUpAfterEachMessage(lane.key)) {
                LOG.log(System.Logger.Level.WARNING, "delivery: " + lane.key + ": " + connection.peer()
                        + " closed the connection on a message sent behind a final dot; this site now gets each"
                        + " message after the previous 250 (set pipeline_after_data: false in shaping to keep it so)");
            }
            if (connection.inFlight() == 0) { // else the message sent behind this one releases it
                lane.pool.release(connection, result.reusable());
            }
            // Rules first: a suspension moves what waits to the pool's other sources before a site
            // failure would defer it.
            automation.observeReplies(lane, result.outcomes());
            if (result.siteFailure()) {
                Outcome cause = siteCause(result);
                long until = backOff(lane, cause);
                back.attempted(delivery, result, until);
                if (!lane.suspended(s.clock().millis())) {
                    returnWaiting(lane, cause, until);
                }
            } else {
                back.attempted(delivery, result, 0);
            }
            pump(lane);
            if (drained != null && inFlight == 0) {
                drained.tryComplete();
            }
        });
    }

    /**
     * Starts the lane's next delivery on {@code connection} as soon as the message it carries has
     * had its final dot, so that the next MAIL, RCPT and DATA go out behind the dot in one write.
     * Shaping's {@code pipeline_after_data} turns this off for a site that cannot take it. Only
     * what {@link #startNext} would start anyway: the connection may carry more, the lane is
     * not over its connection limit, not suspended or draining, and a message token is free now;
     * otherwise the connection frees when its message is answered, as without this.
     */
    private void startBehind(Lane lane, OutboundConnection connection) {
        if (drained != null || !lane.pool.mayCarryMore(connection)
                || lane.pool.openConnections() > lane.shaping.connectionLimit()) {
            return;
        }
        // No token now: the lane is pumped when this connection frees, and waits for it then.
        Delivery next = takeStartable(lane, false);
        if (next != null) {
            start(lane, connection, next, true);
        }
    }

    /** Whether every recipient failed with the connection lost at {@code step}. */
    private static boolean lostAt(TransactionResult result, ClientStep step) {
        for (RecipientOutcome o : result.outcomes()) {
            if (!(o.outcome() instanceof Outcome.Failed f && f.failure() == Failure.LOST_CONNECTION
                    && f.step() == step)) {
                return false;
            }
        }
        return !result.outcomes().isEmpty();
    }

    private static Outcome siteCause(TransactionResult result) {
        for (RecipientOutcome o : result.outcomes()) {
            if (!(o.outcome() instanceof Outcome.Unsent)) {
                return o.outcome();
            }
        }
        return Outcome.Failed.of(Failure.CONNECT, ClientStep.CONNECT, "destination failing");
    }

    /**
     * No connection could be had. A source whose local address cannot be bound is left out of its
     * pools for a while and its waiting mail goes through the others; otherwise every waiting
     * delivery has been attempted, and failed, with the cause.
     */
    private void connectFailed(Lane lane, Throwable cause) {
        if (unbindable(cause)) {
            long now = s.clock().millis();
            Long before = s.unbindable().put(lane.source, now + UNBINDABLE_MILLIS);
            if (before == null || before <= now) {
                LOG.log(System.Logger.Level.ERROR, "delivery: source " + lane.source + " cannot bind its address ("
                        + rootMessage(cause) + "); it is left out of its pools for " + UNBINDABLE_MILLIS / 1000
                        + " s and the other sources carry its mail");
            }
            replace(lane);
            return;
        }
        Outcome outcome = DeliveryException.outcomeOf(cause, ClientStep.CONNECT);
        automation.observeReplies(lane, List.of(new RecipientOutcome(-1, outcome)));
        returnWaiting(lane, outcome, backOff(lane, outcome));
    }

    private static boolean unbindable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("Cannot assign requested address") || m.contains("bind(..) failed"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The lane's waiting mail goes through the other sources of its pool (or back, for later). */
    private void replace(Lane lane) {
        List<Delivery> waiting = lane.withdrawAll();
        if (!waiting.isEmpty()) {
            place(lane.site, s.shaping().current(), waiting);
        }
    }

    // ---- operator actions, on this loop ----

    /** Suspends site {@code key} from {@code source} (every source when null); false when no such site. */
    boolean suspendSite(String key, String source, long untilMillis, String why) {
        Site site = sites.get(key);
        if (site == null) {
            return false;
        }
        suspend(site, source, untilMillis, why);
        return true;
    }

    /**
     * Suspends the site of {@code destination} (found for {@code domain}), made here if this process
     * has no mail for it yet, so that mail arriving later waits too.
     */
    void suspendSite(Destination destination, String domain, String source, long untilMillis, String why) {
        Site site = sites.get(destination.key());
        if (site == null) {
            site = new Site(destination);
            sites.put(destination.key(), site);
            site.reshaped(s.shaping().current(), s.shaping().generation(), domain);
        }
        suspend(site, source, untilMillis, why);
    }

    private void suspend(Site site, String source, long untilMillis, String why) {
        String key = site.key;
        Shaping shaping = s.shaping().current();
        List<String> sources = source != null ? List.of(source) : new ArrayList<>(shaping.sources().keySet());
        for (String name : sources) {
            automation.record(new SiteAction(key, name, SiteAction.Kind.SUSPEND, untilMillis, why, null, s.clock().millis()));
            suspend(lane(site, shaping, name), untilMillis, why);
        }
    }

    /** Lifts suspensions, automation overrides and bounces of site {@code key}; false when no such site. */
    boolean resumeSite(String key, String source) {
        Site site = sites.get(key);
        if (site == null) {
            return false;
        }
        return resumeSite(site, source);
    }

    /** Resumes the site of {@code destination}; with no such site here, the resume still goes to the other pods. */
    void resumeSite(Destination destination, String source) {
        Site site = sites.get(destination.key());
        if (site != null) {
            resumeSite(site, source);
            return;
        }
        List<String> sources = source != null ? List.of(source) : List.copyOf(s.shaping().current().sources().keySet());
        for (String name : sources) {
            automation.forget(destination.key(), name);
        }
    }

    private boolean resumeSite(Site site, String source) {
        String key = site.key;
        for (Lane lane : site.lanes.values()) {
            if (source == null || lane.source.equals(source)) {
                automation.forget(key, lane.source);
            }
        }
        resume(site, source);
        return true;
    }

    /** Lifts what holds back the site's lanes from {@code source} (every source when null). */
    private void resume(Site site, String source) {
        for (Lane lane : site.lanes.values()) {
            if (source == null || lane.source.equals(source)) {
                lane.suspendedUntil = 0;
                lane.suspendedWhy = null;
                lane.bounceUntil = 0;
                lane.override = null;
                lane.overrideUntil = 0;
                s.budget().siteAnswered(lane.key); // and its backoff: the operator says it may be tried now
                reshape(lane, s.shaping().current());
                pump(lane);
            }
        }
        // What the suspension sent back to the schedule goes out now rather than when it would have ended.
        if (!site.postponedDomains.isEmpty()) {
            back.flush(List.copyOf(site.postponedDomains));
            site.postponedDomains.clear();
        }
    }

    /** What the API shows of each site this loop owns. */
    List<SiteView> views() {
        long now = s.clock().millis();
        List<SiteView> out = new ArrayList<>(sites.size());
        for (Site site : sites.values()) {
            out.add(site.view(now));
        }
        return out;
    }

    /** Site × source pairs suspended now, for the gauge. */
    int suspendedLanes() {
        long now = s.clock().millis();
        int n = 0;
        for (Site site : sites.values()) {
            for (Lane lane : site.lanes.values()) {
                if (lane.suspended(now)) {
                    n++;
                }
            }
        }
        return n;
    }

    private long backOff(Lane lane, Outcome cause) {
        long now = s.clock().millis();
        // Several connections may fail from one outage: the shared backoff escalates only once.
        lane.pool.siteFailed(now, lane.shaping.retryInitial(), lane.shaping.retryMax());
        long until = lane.pool.backoffUntilMillis();
        if (until > lane.loggedBackoffUntil) {
            lane.loggedBackoffUntil = until;
            LOG.log(System.Logger.Level.WARNING, "delivery: destination " + lane.key + " backed off for "
                    + (until - now) + " ms: " + cause.text());
        }
        return until;
    }

    private void returnWaiting(Lane lane, Outcome cause, long until) {
        for (Delivery d : lane.withdrawAll()) {
            back.attempted(d, TransactionResult.all(d.pending(), cause, true, null), until);
        }
    }

    /**
     * Housekeeping, once a second: a changed shaping file is taken up, expired automation
     * overrides are dropped, idle connections are closed, lanes with waiting work are pumped again
     * (a backoff may have ended), and sites with nothing left are forgotten.
     */
    void tick() {
        long now = s.clock().millis();
        Shaping shaping = s.shaping().current();
        int generation = s.shaping().generation();
        for (Site site : sites.values()) {
            if (site.shapingGeneration != generation) {
                site.reshaped(shaping, generation, site.firstDomain);
            }
            for (Lane lane : site.lanes.values()) {
                lane.measureRate(now);
                if (lane.override != null && lane.overrideUntil <= now) {
                    lane.override = null;
                    reshape(lane, shaping);
                } else if (lane.shapingGeneration != site.shapingGeneration) {
                    reshape(lane, shaping);
                }
                lane.pool.closeIdle(lane.shaping.idleTimeout());
                if (lane.ready() > 0) {
                    pump(lane);
                }
            }
            site.lanes.values().removeIf(lane -> lane.isIdle(now));
        }
        sites.values().removeIf(site -> site.lanes.isEmpty());
        automation.prune(now);
    }

    /**
     * Shutdown: no new transaction starts; completes when those in flight have finished. Whatever
     * is not finished when the process stops stays pending in the spool, as if never attempted.
     */
    Future<Void> drain() {
        drained = Promise.promise();
        if (inFlight == 0) {
            drained.complete();
        }
        return drained.future();
    }

    void close() {
        for (Site site : sites.values()) {
            for (Lane lane : site.lanes.values()) {
                lane.pool.closeAll();
            }
        }
    }
}

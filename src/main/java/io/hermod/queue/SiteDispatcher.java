package io.hermod.queue;

import io.hermod.delivery.BodySource;
import io.hermod.delivery.ClientStep;
import io.hermod.delivery.DeliveryException;
import io.hermod.delivery.Destination;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.Failure;
import io.hermod.delivery.OutboundConnection;
import io.hermod.delivery.Outcome;
import io.hermod.delivery.RecipientOutcome;
import io.hermod.delivery.ReturnPath;
import io.hermod.delivery.TransactionResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The sites one shard's event loop owns, and the pump that feeds their connections. A site (a
 * destination's key) is owned by the shard {@code hash(key) mod queue.shards}, whichever shards
 * its domains belong to, so a destination has one pool for the whole process: a connection left
 * idle after one domain's message takes the next delivery for that site from any shard. Domain
 * shards lend due deliveries here ({@link #offer}); each comes back to its shard through
 * {@link Returns} with the attempt's result, or unattempted when an operator withdraws it.
 *
 * <p>A site that fails as a whole (no host reachable, a 421) is backed off: every delivery
 * waiting for it is returned as attempted with that failure and may not come back before the
 * backoff ends; the failure is logged once per backoff period.
 */
final class SiteDispatcher {

    static final Duration CONNECTION_IDLE = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(SiteDispatcher.class.getName());

    /** Where a lent delivery goes back to: its domain's shard, on that shard's event loop. */
    interface Returns {
        /** @param notBeforeMillis the site's backoff end when the site failed, else 0 */
        void attempted(Delivery delivery, TransactionResult result, long notBeforeMillis);

        void withdrawn(List<Delivery> deliveries);
    }

    private final Clock clock;
    private final Function<Destination, DestinationPool> pools;
    private final Function<Delivery, BodySource> bodies;
    private final MessageLedger ledger;
    private final int maxRecipients;
    private final RetryPolicy retry;
    private final Returns back;
    private final ReturnPath returnPath;
    private final Map<String, Site> sites = new HashMap<>();
    private int inFlight;
    private Promise<Void> drained;

    SiteDispatcher(Clock clock, Function<Destination, DestinationPool> pools, Function<Delivery, BodySource> bodies,
                   MessageLedger ledger, int maxRecipients, RetryPolicy retry, Returns back) {
        this(clock, pools, bodies, ledger, maxRecipients, retry, back, ReturnPath.ENVELOPE);
    }

    SiteDispatcher(Clock clock, Function<Destination, DestinationPool> pools, Function<Delivery, BodySource> bodies,
                   MessageLedger ledger, int maxRecipients, RetryPolicy retry, Returns back, ReturnPath returnPath) {
        this.returnPath = returnPath;
        this.clock = clock;
        this.pools = pools;
        this.bodies = bodies;
        this.ledger = ledger;
        this.maxRecipients = maxRecipients;
        this.retry = retry;
        this.back = back;
    }

    /** The shard (of {@code shards}) that owns the site with this key. */
    static int ownerOf(String siteKey, int shards) {
        return Math.floorMod(siteKey.hashCode(), shards);
    }

    /** A due delivery for {@code destination}, lent by its domain's shard. */
    void offer(Destination destination, Delivery delivery) {
        Site site = sites.get(destination.key());
        if (site == null) {
            site = new Site(pools.apply(destination));
            Site created = site;
            site.pool.onCapacityFreed(() -> pump(created));
            sites.put(destination.key(), site);
        } else {
            site.pool.update(destination);
        }
        site.add(delivery);
        pump(site);
    }

    /** Hands back the waiting (not in-flight) deliveries of {@code domain} at site {@code key}. */
    void withdraw(String key, String domain) {
        Site site = sites.get(key);
        if (site != null) {
            List<Delivery> taken = site.withdraw(domain);
            if (!taken.isEmpty()) {
                back.withdrawn(taken);
            }
        }
    }

    /** Gives waiting deliveries to idle connections and opens more while work exceeds them. */
    private void pump(Site site) {
        while (site.ready() > 0 && drained == null) {
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
            if (!site.pool.tryReserve(site.ready(), clock.millis())) {
                break;
            }
            site.pool.open().onComplete(ar -> {
                if (ar.succeeded()) {
                    Delivery next = drained != null ? null : nextLive(site);
                    if (next != null) {
                        start(site, ar.result(), next);
                    } else {
                        site.pool.release(ar.result(), true);
                    }
                } else {
                    siteFailed(site, DeliveryException.outcomeOf(ar.cause(), ClientStep.CONNECT));
                }
                pump(site);
            });
        }
    }

    /** The next delivery whose message is still queued; those an operator deleted are handed back settled. */
    private Delivery nextLive(Site site) {
        Delivery d;
        while ((d = site.next()) != null) {
            if (ledger.isOpen(d.envelope.id())) {
                return d;
            }
            back.withdrawn(List.of(d)); // its shard drops it
        }
        return null;
    }

    private void start(Site site, OutboundConnection connection, Delivery delivery) {
        site.inFlight++;
        inFlight++;
        delivery.inFlight = true;
        connection.send(delivery.envelope, delivery.pending(), bodies.apply(delivery), maxRecipients, returnPath).onComplete(ar -> {
            site.inFlight--;
            inFlight--;
            delivery.inFlight = false;
            TransactionResult result = ar.result();
            site.pool.release(connection, result.reusable());
            if (result.siteFailure()) {
                Outcome cause = siteCause(result);
                long until = backOff(site, cause);
                back.attempted(delivery, result, until);
                returnWaiting(site, cause, until);
            } else {
                back.attempted(delivery, result, 0);
            }
            pump(site);
            if (drained != null && inFlight == 0) {
                drained.tryComplete();
            }
        });
    }

    private static Outcome siteCause(TransactionResult result) {
        for (RecipientOutcome o : result.outcomes()) {
            if (!(o.outcome() instanceof Outcome.Unsent)) {
                return o.outcome();
            }
        }
        return Outcome.Failed.of(Failure.CONNECT, ClientStep.CONNECT, "destination failing");
    }

    /** No connection could be had: every waiting delivery has been attempted, and failed, with {@code cause}. */
    private void siteFailed(Site site, Outcome cause) {
        returnWaiting(site, cause, backOff(site, cause));
    }

    private long backOff(Site site, Outcome cause) {
        long now = clock.millis();
        // Several connections may fail from one outage: the shared backoff escalates only once.
        site.pool.siteFailed(now, retry.initial(), retry.max());
        long until = site.pool.backoffUntilMillis();
        if (until > site.loggedBackoffUntil) {
            site.loggedBackoffUntil = until;
            LOG.log(System.Logger.Level.WARNING, "delivery: destination " + site.pool.key() + " backed off for "
                    + (until - now) + " ms: " + cause.text());
        }
        return until;
    }

    private void returnWaiting(Site site, Outcome cause, long until) {
        for (Delivery d : site.withdrawAll()) {
            back.attempted(d, TransactionResult.all(d.pending(), cause, true, null), until);
        }
    }

    /**
     * Housekeeping, once a second: idle connections are closed, sites with waiting work are pumped
     * again (a backoff may have ended), and sites with nothing left are forgotten.
     */
    void tick() {
        long now = clock.millis();
        for (Site site : sites.values()) {
            site.pool.closeIdle(CONNECTION_IDLE);
            if (site.ready() > 0) {
                pump(site);
            }
        }
        sites.values().removeIf(site -> site.isIdle(now));
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
            site.pool.closeAll();
        }
    }
}

package io.hermod.queue;

import io.hermod.bounce.Classifier;
import io.hermod.config.HermodConfig;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.delivery.Destination;
import io.hermod.delivery.Failure;
import io.hermod.delivery.Outcome;
import io.hermod.dkim.Signing;
import io.hermod.dns.MxResolver;
import io.hermod.dns.StaticRoutes;
import io.hermod.eventlog.EventSink;
import io.hermod.metrics.HermodMetrics;
import io.hermod.shaping.Leases;
import io.hermod.shaping.LocalThrottles;
import io.hermod.shaping.Shaping;
import io.hermod.shaping.ShapingStore;
import io.hermod.shaping.Throttles;
import io.hermod.smtp.AddressSyntax;
import io.hermod.smtp.EnhancedStatus;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.hermod.spool.Slot;
import io.hermod.spool.Schedule;
import io.hermod.spool.Spool;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/**
 * The queue layer's door: splits each accepted message by recipient domain and hands each part to
 * the shard that owns {@code hash(domain) mod queue.shards}. Shards own their domains outright;
 * nothing here holds queue state. Operator requests are routed the same way.
 */
public final class ShardedQueue implements MessageQueue, QueueAdmin, SiteAdmin {

    private static final System.Logger LOG = System.getLogger(ShardedQueue.class.getName());

    /** Filled as the shard verticles deploy, before any message is queued. */
    private final List<QueueShardVerticle> shards;
    private final MessageLedger ledger;
    private final Spool spool;
    private final Acceptance acceptance;
    private volatile boolean recovered = true;
    private final Object recoveryLock = new Object();
    /** Guarded by {@link #recoveryLock}. */
    private boolean recoveryStopped;
    private final HotBodies hotBodies = new HotBodies(HotBodies.DEFAULT_LIMIT);

    private NextHop nextHop;
    private ShapingStore shaping;

    private ShardedQueue(List<QueueShardVerticle> shards, MessageLedger ledger, Spool spool) {
        this.shards = shards;
        this.ledger = ledger;
        this.spool = spool;
        this.acceptance = new Acceptance(spool, this);
    }

    /**
     * Deploys {@code queue.shards} shard verticles, one per event loop as Vert.x assigns them.
     * Domains without a {@code delivery.routes} entry are looked up with {@code resolver}; the DSNs
     * Hermod writes are signed with {@code signing} (the key of {@code hostname}'s domain, if any);
     * every deferral and bounce is put in a category by {@code classifier}.
     */
    public static Future<ShardedQueue> deploy(Vertx vertx, HermodConfig config, Spool spool, ClientTimeouts timeouts,
                                              MxResolver resolver, HermodMetrics metrics, EventSink events,
                                              Signing signing, Classifier classifier, ShapingStore shaping) {
        return deploy(vertx, config, spool, timeouts, resolver, metrics, events, signing, classifier,
                new Limits(shaping, null, null, null, SiteAction.Sharing.NONE));
    }

    /**
     * The shaping in force and, in a cluster, the limits every pod shares: throttles, connection
     * leases per site × source and per provider × source, and site actions; null for local ones.
     */
    public record Limits(ShapingStore shaping, Throttles throttles, Leases leases,
                         Leases providerLeases, SiteAction.Sharing sharing) {
    }

    /** As above, with the limits a cluster shares. */
    public static Future<ShardedQueue> deploy(Vertx vertx, HermodConfig config, Spool spool, ClientTimeouts timeouts,
                                              MxResolver resolver, HermodMetrics metrics, EventSink events,
                                              Signing signing, Classifier classifier, Limits limits) {
        ShapingStore shaping = limits.shaping();
        MessageLedger ledger = MessageLedger.of(spool);
        ConnectionBudget budget = new ConnectionBudget(config.delivery().maxConnectionsPerDestination());
        NextHop nextHop = new NextHop(new StaticRoutes(config.delivery().routes()), resolver,
                config.delivery().smtpPort(), metrics, config.delivery().tlsRequiredDomains(), shaping);
        List<QueueShardVerticle> created = new CopyOnWriteArrayList<>();
        ShardedQueue queue = new ShardedQueue(created, ledger, spool);
        queue.nextHop = nextHop;
        queue.shaping = shaping;
        Bounces bounces = new Bounces(vertx, spool, config.hostname(), Clock.systemUTC(), queue.acceptance, signing);
        QueueServices services = new QueueServices(config, spool, ledger, budget, timeouts, nextHop, bounces,
                metrics, events, classifier, created, new QueueServices.Shared(shaping,
                        limits.throttles() != null ? limits.throttles() : localThrottles(vertx),
                        limits.leases(), limits.providerLeases() != null ? limits.providerLeases()
                        : new ConnectionBudget(Integer.MAX_VALUE), new ConcurrentHashMap<>(), limits.sharing()));
        return vertx.deployVerticle(() -> {
            QueueShardVerticle shard = new QueueShardVerticle(services);
            created.add(shard);
            return shard;
        }, new DeploymentOptions().setInstances(config.queue().shards())).map(id -> {
            queue.registerGauges(metrics, budget, resolver);
            return queue;
        });
    }

    /** The process's own throttles; keys not used for a minute are forgotten (a past TAT is no state). */
    private static LocalThrottles localThrottles(Vertx vertx) {
        LocalThrottles throttles = new LocalThrottles(LocalThrottles.systemClock());
        vertx.setPeriodic(60_000, id -> throttles.forgetIdle());
        return throttles;
    }

    private void registerGauges(HermodMetrics metrics, ConnectionBudget budget, MxResolver resolver) {
        metrics.gauge("hermod.queue.messages", "Messages with a recipient not yet final", spool::messages);
        metrics.gauge("hermod.queue.deliveries", "state", "ready", "Deliveries due now, waiting for a connection",
                () -> sum(s -> s.readyGauge.get()));
        metrics.gauge("hermod.queue.deliveries", "state", "scheduled", "Deliveries deferred to a later attempt",
                () -> sum(s -> s.scheduledGauge.get()));
        metrics.gauge("hermod.queue.deliveries", "state", "in_flight", "Deliveries being attempted",
                () -> sum(s -> s.inFlightGauge.get()));
        metrics.gauge("hermod.outbound.connections", "Open outbound SMTP connections", budget::total);
        metrics.gauge("hermod.shaping.suspended", "Site × source pairs suspended by automation or an operator",
                () -> sum(s -> s.suspendedGauge.get()));
        metrics.counter("hermod.dns.queries", "DNS queries sent", resolver::queries);
    }

    private int sum(ToIntFunction<QueueShardVerticle> value) {
        int total = 0;
        for (QueueShardVerticle s : shards) {
            total += value.applyAsInt(s);
        }
        return total;
    }

    /** A committed message: one delivery per domain, at the slot its commit wrote (see {@link Slot#of}). */
    @Override
    public void enqueue(Envelope envelope, byte[] prefix, byte[] body) {
        List<Slot> slots = Slot.of(envelope, 0);
        Recipient[] states = envelope.recipients().toArray(Recipient[]::new);
        for (Slot slot : slots) {
            Delivery delivery = new Delivery(envelope, states, slot);
            if (body != null) {
                MemoryBody held = new MemoryBody(prefix, body);
                if (hotBodies.tryReserve(held.size())) {
                    delivery.holdBody(held, hotBodies);
                }
            }
            shardOf(slot.domain()).submit(delivery);
        }
    }

    /**
     * Recovery after a restart, in the background: the spool's schedule is scanned domain by
     * domain, and each domain is read and delivered from as soon as it has been counted. Mail can
     * be accepted meanwhile; {@link QueueSnapshot#recovered()} turns true when the scan is done.
     * Call before intake starts (the scan sees the spool as it is at the call).
     */
    public void recover() {
        Schedule.Scan scan = spool.schedule().scan();
        recovered = false;
        for (QueueShardVerticle shard : shards) {
            shard.onLoop(() -> shard.shard().counting());
        }
        Thread scanner = new Thread(() -> {
            long start = System.nanoTime();
            long[] slots = new long[2];
            long messages;
            try {
                messages = scan.run(count -> {
                    slots[0] += count.slots();
                    slots[1]++;
                    QueueShardVerticle owner = shardOf(count.domain());
                    owner.onLoop(() -> owner.shard().counted(count.domain(), count.slots(), count.firstDueMillis(),
                            count.oldestMillis()));
                });
            } catch (RuntimeException e) {
                synchronized (recoveryLock) {
                    if (recoveryStopped) {
                        return; // the start failed and closed the spool under the scan
                    }
                    LOG.log(System.Logger.Level.ERROR, "spool: the start-up scan failed: " + e.getMessage()
                            + "; domains not counted yet are counted as new mail arrives only", e);
                }
                messages = -1;
            }
            for (QueueShardVerticle shard : shards) {
                shard.onLoop(() -> shard.shard().countedAll());
            }
            synchronized (recoveryLock) {
                if (recoveryStopped) {
                    return; // a failed start's last line is its error, not this
                }
                recovered = true;
                LOG.log(System.Logger.Level.INFO, "spool {0}: recovered {1,number,#} messages ({2,number,#} deliveries"
                        + " over {3,number,#} domains) in {4,number,#} ms", spool.path(), messages, slots[0], slots[1],
                        (System.nanoTime() - start) / 1_000_000);
                try {
                    spool.sweepLeftovers();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "spool: cannot remove leftovers: " + e.getMessage());
                }
            }
        }, "hermod-recovery");
        scanner.setDaemon(true);
        scanner.start();
    }

    /**
     * The start failed: the scan, if it still runs, ends without a word (the spool is closed under
     * it), so that the start's error is the last line. Waits for a leftover sweep under way.
     */
    public void stopRecovery() {
        synchronized (recoveryLock) {
            recoveryStopped = true;
        }
    }

    /** False while the start-up scan is counting the spool. */
    public boolean recovered() {
        return recovered;
    }

    // ---- sites (SiteAdmin) ----

    @Override
    public Future<List<SiteView>> sites() {
        List<Future<List<SiteView>>> parts = new ArrayList<>();
        for (QueueShardVerticle s : shards) {
            parts.add(s.siteViews());
        }
        return Future.all(parts).map(all -> {
            List<SiteView> views = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                views.addAll(all.<List<SiteView>>resultAt(i));
            }
            views.sort(Comparator.comparing(SiteView::name).thenComparing(SiteView::key));
            return views;
        });
    }

    /** The key of the site named {@code site} (a key, or a name that only one site has), or null. */
    private Future<String> keyOf(String site) {
        return sites().map(views -> {
            String byName = null;
            int named = 0;
            for (SiteView v : views) {
                if (v.key().equals(site)) {
                    return site;
                }
                if (v.name().equalsIgnoreCase(site)) {
                    byName = v.key();
                    named++;
                }
            }
            return named == 1 ? byName : null;
        });
    }

    private QueueShardVerticle siteOwner(String key) {
        return shards.get(SiteDispatcher.ownerOf(key, shards.size()));
    }

    @Override
    public Future<String> suspendSite(String site, String source, long untilMillis, String why) {
        return keyOf(site).compose(key -> key != null
                ? siteOwner(key).onSites(d -> d.suspendSite(key, source, untilMillis, why) ? key : null)
                : siteOfDomain(site).compose(found -> found == null ? Future.succeededFuture(null)
                        : siteOwner(found.key()).onSites(d -> {
                            d.suspendSite(found, site.toLowerCase(Locale.ROOT), source, untilMillis, why);
                            return found.key();
                        })));
    }

    @Override
    public Future<String> resumeSite(String site, String source) {
        return keyOf(site).compose(key -> key != null
                ? siteOwner(key).onSites(d -> d.resumeSite(key, source) ? key : null)
                : siteOfDomain(site).compose(found -> found == null ? Future.succeededFuture(null)
                        : siteOwner(found.key()).onSites(d -> {
                            d.resumeSite(found, source);
                            return found.key();
                        })));
    }

    /**
     * A site this process has no mail for, named by one of its domains: its next hop, looked up as
     * for mail (so that it can be suspended before mail for it arrives, or on a pod without any);
     * null when {@code name} is no domain with a next hop.
     */
    private Future<Destination> siteOfDomain(String name) {
        String domain = name.toLowerCase(Locale.ROOT);
        if (!AddressSyntax.isDomain(domain, true)) {
            return Future.succeededFuture(null);
        }
        return nextHop.lookup(domain).map(lookup -> lookup.found() ? lookup.destination() : null);
    }

    @Override
    public boolean knowsSource(String name) {
        return shaping.current().sources().containsKey(name);
    }

    @Override
    public Future<Effective> shapingFor(String domain, String source) {
        return nextHop.lookup(domain).compose(lookup -> {
            if (!lookup.found()) {
                return Future.failedFuture(new IllegalArgumentException("domain: no next hop for " + domain + ": "
                        + lookup.failure().text()));
            }
            Site site = new Site(lookup.destination());
            Shaping current = shaping.current();
            String provider = current.provider(site.ownDomain != null ? site.ownDomain : domain, site.mxHosts);
            return Future.succeededFuture(new Effective(domain, source, site.key, provider, site.mxHosts,
                    current.resolve(site.ownDomain, provider, source)));
        });
    }

    /** A site action another pod took: applied by the shard that owns the site. */
    public void applyShared(SiteAction action) {
        QueueShardVerticle owner = siteOwner(action.site());
        owner.onSites(d -> {
            d.applyShared(action);
            return null;
        });
    }

    /** Another pod resumed a site × source. */
    public void liftShared(String site, String source) {
        QueueShardVerticle owner = siteOwner(site);
        owner.onSites(d -> {
            d.liftShared(site, source);
            return null;
        });
    }

    @Override
    public boolean knowsPool(String name) {
        return shaping.current().hasPool(name);
    }

    /** The shaping in force. */
    public ShapingStore shaping() {
        return shaping;
    }

    private QueueShardVerticle shardOf(String domain) {
        return QueueShardVerticle.domainOwner(shards, domain);
    }

    /** The one acceptance path into this queue: commit, then enqueue (see {@link Acceptance}). */
    public Acceptance acceptance() {
        return acceptance;
    }

    /** Messages with a recipient not yet final. */
    public int messages() {
        return (int) Math.min(Integer.MAX_VALUE, spool.messages());
    }

    /** Stops starting deliveries; completes when every shard's transactions in flight have finished. */
    public Future<Void> drain() {
        List<Future<Void>> shardsDrained = new ArrayList<>();
        for (QueueShardVerticle shard : shards) {
            shardsDrained.add(shard.drain());
        }
        // The last results went back to their domains' shards as tasks: one more task on every
        // shard runs after them, so their outcomes are settled (and their spool writes queued)
        // before the caller closes anything.
        return Future.all(shardsDrained).compose(done -> {
            List<Future<Object>> settled = new ArrayList<>();
            for (QueueShardVerticle shard : shards) {
                settled.add(shard.call(s -> null));
            }
            return Future.all(settled);
        }).mapEmpty();
    }

    @Override
    public Future<QueueSnapshot> snapshot() {
        List<Future<List<DomainStats>>> parts = new ArrayList<>();
        for (QueueShardVerticle shard : shards) {
            parts.add(shard.call(QueueShard::stats));
        }
        return Future.all(parts).map(all -> {
            List<DomainStats> domains = new ArrayList<>();
            for (Future<List<DomainStats>> part : parts) {
                domains.addAll(part.result());
            }
            domains.sort(Comparator.comparing(DomainStats::domain));
            int ready = 0;
            int scheduled = 0;
            int inFlight = 0;
            for (DomainStats d : domains) {
                ready += d.ready();
                scheduled += d.scheduled();
                inFlight += d.inFlight();
            }
            return new QueueSnapshot(domains, ready, scheduled, inFlight, messages(), recovered);
        });
    }

    @Override
    public Future<Void> suspend(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        return shardOf(key).call(shard -> {
            shard.suspend(key);
            return null;
        });
    }

    @Override
    public Future<Void> resume(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        return shardOf(key).call(shard -> {
            shard.resume(key);
            return null;
        });
    }

    @Override
    public Future<Integer> flush(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        return shardOf(key).call(shard -> shard.flush(key));
    }

    @Override
    public Future<Integer> bounce(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        Outcome why = new Outcome.Failed(Failure.POLICY, null, new EnhancedStatus(5, 0, 0), "bounced by the operator");
        return shardOf(key).call(shard -> shard.bounce(key, why));
    }

    @Override
    public Future<Boolean> delete(MessageId id) {
        return Future.fromCompletionStage(ledger.delete(id), shards.get(0).vertxContext());
    }
}

package io.hermod.queue;

import io.hermod.bounce.SuppressionPolicy;
import io.hermod.delivery.BodySource;
import io.hermod.delivery.ClientStep;
import io.hermod.delivery.Destination;
import io.hermod.delivery.ConnectionGate;
import io.hermod.delivery.DestinationPool;
import io.hermod.delivery.Egress;
import io.hermod.delivery.TransactionResult;
import io.hermod.feedback.ReturnPaths;
import io.hermod.shaping.Shaping;
import io.hermod.shaping.ShapingStore;
import io.hermod.shaping.SiteShaping;
import io.hermod.shaping.Source;
import io.hermod.spool.Slot;
import io.hermod.spool.Schedule;
import io.hermod.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The event-loop shell of one shard: its {@link QueueShard} (the domains it owns) and its
 * {@link SiteDispatcher} (the sites it owns). Everything either of them hears from elsewhere
 * arrives as a task on this verticle's context.
 */
final class QueueShardVerticle extends VerticleBase {

    private static final System.Logger LOG = System.getLogger(QueueShardVerticle.class.getName());

    private final QueueServices services;
    private QueueShard shard;
    private SiteDispatcher sites;
    private Context shardContext;
    private long wakeTimer = -1;
    private final Map<String, Egress> egress = new HashMap<>();
    /** The retry schedule per site key, for the shaping generation it was resolved under. */
    private final Map<String, CachedRetry> retries = new HashMap<>();

    private record CachedRetry(int generation, RetryPolicy policy) {
    }
    /** Published once a second for the gauges, which are read on another thread. */
    final AtomicInteger readyGauge = new AtomicInteger();
    final AtomicInteger scheduledGauge = new AtomicInteger();
    final AtomicInteger inFlightGauge = new AtomicInteger();
    final AtomicInteger suspendedGauge = new AtomicInteger();

    /** Deliveries a shard holds in memory at most (at least 4 × {@code queue.max_ready}). */
    static final int MEMORY_CAP = 8192;

    QueueShardVerticle(QueueServices services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        shardContext = context;
        QueueServices s = services;
        Clock clock = Clock.systemUTC();
        RetryPolicy retry = RetryPolicy.of(s.config().queue().retry());
        DeliveryMeters meters = new DeliveryMeters(s.metrics());
        QueueServices.Shared shared = s.shared();
        SiteServices siteServices = new SiteServices(clock, shared.shaping(), shared.throttles(), s.timeouts(),
                s.budget(), shared.leases() != null ? shared.leases() : s.budget(), shared.providerLeases(),
                new SiteServices.PoolFactory() {
                    @Override
                    public DestinationPool create(String key, Destination destination, Source source,
                                                  ConnectionGate gate) {
                        return new DestinationPool(key, destination, vertx, egress(source), s.timeouts(), s.budget(),
                                gate, s.config().delivery().maxMessagesPerConnection(), meters);
                    }

                    @Override
                    public Egress egress(Source source) {
                        return QueueShardVerticle.this.egress(source);
                    }
                },
                this::body, s.ledger(), retry, (delay, task) -> vertx.setTimer(delay, id -> task.run()),
                new ShapingTelemetry(s.metrics(), s.events(), clock), shared.unbindable(), this::onLoop,
                shared.sharing(), ReturnPaths.of(s.config().feedback()));
        sites = new SiteDispatcher(siteServices, new Returns());
        Settlement settlement = new Settlement(retry, s.config().queue().maxAge(),
                s.config().queue().delayWarning().orElse(null), () -> ThreadLocalRandom.current().nextDouble());
        SettlementEffects effects = new SettlementEffects(s.ledger(), s.bounces(),
                new QueueTelemetry(s.metrics(), s.events(), clock, s.classifier()), retry, clock,
                new SuppressionPolicy(s.config().suppression()), s.spool().suppressions()::add);
        int maxReady = s.config().queue().maxReady();
        shard = new QueueShard(new World(clock), settlement, effects, s.ledger(), maxReady,
                Math.max(MEMORY_CAP, 4 * maxReady), Math.max(16, maxReady / s.config().queue().shards() / 2));
        vertx.setPeriodic(1000, id -> tick());
        return Future.succeededFuture();
    }

    /**
     * The clients of one egress source, made on first use: bound to its address, when it has one,
     * and giving its EHLO name (else {@code hostname}).
     */
    private Egress egress(Source source) {
        String key = source.name() + "|" + source.address() + "|" + source.ehlo();
        return egress.computeIfAbsent(key, k -> {
            QueueServices s = services;
            NetClientOptions options = new NetClientOptions()
                    .setTcpNoDelay(true)
                    .setConnectTimeout((int) s.timeouts().of(ClientStep.CONNECT).toMillis())
                    .setSslHandshakeTimeout(s.timeouts().of(ClientStep.STARTTLS).toMillis())
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            if (source.address() != null) {
                options.setLocalAddress(source.address());
            }
            // Opportunistic TLS (RFC 7435): any certificate will do, encryption beats plain text.
            NetClient client = vertx.createNetClient(new NetClientOptions(options)
                    .setTrustAll(true).setHostnameVerificationAlgorithm(""));
            // Required TLS: the JVM's trusted authorities, the MX host name checked.
            NetClient verifying = vertx.createNetClient(new NetClientOptions(options)
                    .setHostnameVerificationAlgorithm("HTTPS"));
            return new Egress(source.name(), client, verifying, source.ehlo() != null ? source.ehlo()
                    : s.config().hostname());
        });
    }

    private BodySource body(Delivery delivery) {
        MemoryBody held = delivery.takeBody();
        return held != null ? held : new SpoolBody(vertx, services.spool(), delivery.envelope);
    }

    private void tick() {
        shard.tick();
        if (this == services.shards().get(0)) {
            services.ledger().forgetOld(System.currentTimeMillis());
        }
        sites.tick();
        int[] totals = shard.totals();
        readyGauge.set(totals[0]);
        scheduledGauge.set(totals[1]);
        inFlightGauge.set(totals[2]);
        suspendedGauge.set(sites.suspendedLanes());
        if (retries.size() > 10_000) {
            retries.clear(); // a cache of sites seen; rebuilt as mail comes back
        }
    }

    @Override
    public Future<?> stop() {
        if (wakeTimer >= 0) {
            vertx.cancelTimer(wakeTimer);
        }
        sites.close();
        return Future.succeededFuture();
    }

    /** The shard itself: touch it only on this verticle's loop. */
    QueueShard shard() {
        return shard;
    }

    /** Runs {@code task} on this shard's event loop, as a task of its own; callable from any thread. */
    void onLoop(Runnable task) {
        shardContext.runOnContext(v -> task.run());
    }

    /** Hands a delivery to the shard on its event loop; callable from any thread. */
    void submit(Delivery delivery) {
        onLoop(() -> shard.accept(delivery));
    }

    /** Runs {@code action} on the shard's event loop and completes with its result. */
    <T> Future<T> call(Function<QueueShard, T> action) {
        Promise<T> promise = Promise.promise();
        Context caller = vertx.getOrCreateContext();
        onLoop(() -> {
            try {
                T result = action.apply(shard);
                caller.runOnContext(w -> promise.complete(result)); // answer on the caller's thread
            } catch (RuntimeException e) {
                caller.runOnContext(w -> promise.fail(e));
            }
        });
        return promise.future();
    }

    /** The sites this shard owns, as the API shows them. */
    Future<List<SiteView>> siteViews() {
        Promise<List<SiteView>> promise = Promise.promise();
        Context caller = vertx.getOrCreateContext();
        onLoop(() -> {
            List<SiteView> views = sites.views();
            caller.runOnContext(v -> promise.complete(views));
        });
        return promise.future();
    }

    /** Runs {@code action} on the loop that owns site {@code key}'s dispatcher. */
    <T> Future<T> onSites(Function<SiteDispatcher, T> action) {
        Promise<T> promise = Promise.promise();
        Context caller = vertx.getOrCreateContext();
        onLoop(() -> {
            T result = action.apply(sites);
            caller.runOnContext(v -> promise.complete(result));
        });
        return promise.future();
    }

    /** Stops starting deliveries on the sites this shard owns; completes when theirs in flight are done. */
    Future<Void> drain() {
        Promise<Void> done = Promise.promise();
        onLoop(() -> sites.drain().onComplete(done));
        return done.future();
    }

    /** A context of the caller's Vert.x for futures answered off the event loops. */
    Context vertxContext() {
        return vertx.getOrCreateContext();
    }

    static QueueShardVerticle domainOwner(List<QueueShardVerticle> shards, String domain) {
        return shards.get(Math.floorMod(domain.hashCode(), shards.size()));
    }

    private QueueShardVerticle siteOwner(String key) {
        List<QueueShardVerticle> shards = services.shards();
        return shards.get(SiteDispatcher.ownerOf(key, shards.size()));
    }

    /** The shard's view of time, timers, DNS and the sites, all answered on this loop. */
    private final class World implements QueueShard.World {
        private final Clock clock;

        World(Clock clock) {
            this.clock = clock;
        }

        @Override
        public long now() {
            return clock.millis();
        }

        @Override
        public void wakeAt(long dueMillis, Runnable wake) {
            if (wakeTimer >= 0) {
                vertx.cancelTimer(wakeTimer);
                wakeTimer = -1;
            }
            if (dueMillis != Long.MAX_VALUE) {
                wakeTimer = vertx.setTimer(Math.max(1, dueMillis - clock.millis()), id -> {
                    wakeTimer = -1;
                    wake.run();
                });
            }
        }

        @Override
        public void lookup(String domain, Consumer<NextHop.Lookup> done) {
            services.nextHop().lookup(domain).onComplete(ar -> onLoop(() -> done.accept(ar.succeeded() ? ar.result()
                    : NextHop.Lookup.failed(false, null, "next-hop lookup failed: " + ar.cause()))));
        }

        @Override
        public void offer(Destination destination, Delivery delivery) {
            QueueShardVerticle owner = siteOwner(destination.key());
            owner.onLoop(() -> owner.sites.offer(destination, delivery));
        }

        @Override
        public RetryPolicy retryFor(String domain, Destination destination) {
            if (destination == null) {
                return null;
            }
            ShapingStore store = services.shared().shaping();
            int generation = store.generation();
            CachedRetry cached = retries.get(destination.key());
            if (cached == null || cached.generation != generation) {
                Site site = new Site(destination);
                Shaping shaping = store.current();
                String provider = shaping.provider(site.ownDomain != null ? site.ownDomain : domain, site.mxHosts);
                SiteShaping values = shaping.resolve(site.ownDomain, provider,
                        Source.DEFAULT_NAME);
                cached = new CachedRetry(generation, new RetryPolicy(values.retryInitial(), values.retryMax(),
                        values.retryFactor()));
                retries.put(destination.key(), cached);
            }
            return cached.policy;
        }

        @Override
        public void reschedule(Slot old, List<Slot> replacements, Consumer<Boolean> done) {
            SpoolRetries.write(() -> services.spool().schedule().reschedule(old, replacements), "the schedule of "
                    + (old != null ? old : replacements.get(0)), written -> onLoop(() -> done.accept(written)));
        }

        @Override
        public void read(QueueShard.Read r, Consumer<Schedule.DueBatch> done) {
            vertx.executeBlocking(() -> services.spool().schedule().readDue(r.domain(), r.from(), r.dueUpTo(), r.writtenUpTo(),
                    r.limit(), r.skip()::contains), false).onComplete(ar -> {
                        if (ar.succeeded()) {
                            onLoop(() -> done.accept(ar.result()));
                        } else {
                            LOG.log(System.Logger.Level.WARNING, "spool: cannot read the schedule of " + r.domain()
                                    + ": " + ar.cause().getMessage() + "; trying again in a second");
                            onLoop(() -> done.accept(Schedule.DueBatch.failure()));
                        }
                    });
        }

        @Override
        public void withdraw(String key, String domain) {
            QueueShardVerticle owner = siteOwner(key);
            owner.onLoop(() -> owner.sites.withdraw(key, domain));
        }
    }

    /** Where the sites this shard owns send lent deliveries back: to each one's domain shard. */
    private final class Returns implements SiteDispatcher.Returns {
        @Override
        public void attempted(Delivery delivery, TransactionResult result, long notBeforeMillis) {
            QueueShardVerticle owner = domainOwner(services.shards(), delivery.domain);
            owner.onLoop(() -> owner.shard.attempted(delivery, result, notBeforeMillis));
        }

        @Override
        public void postponed(List<Delivery> deliveries, long notBeforeMillis) {
            byOwner(deliveries).forEach((owner, owned) -> owner.onLoop(() -> owner.shard.postponed(owned,
                    notBeforeMillis)));
        }

        @Override
        public void flush(Collection<String> domains) {
            // One task and one pass over the schedule per owning shard, however many domains.
            Map<QueueShardVerticle, Set<String>> byOwner = new HashMap<>();
            for (String domain : domains) {
                byOwner.computeIfAbsent(domainOwner(services.shards(), domain), o -> new HashSet<>()).add(domain);
            }
            byOwner.forEach((owner, owned) -> owner.onLoop(() -> owner.shard.flush(owned)));
        }

        @Override
        public void withdrawn(List<Delivery> deliveries) {
            byOwner(deliveries).forEach((owner, owned) -> owner.onLoop(() -> owner.shard.withdrawn(owned)));
        }

        /** One task per owning shard, not one per delivery: a suspend can hand back thousands. */
        private Map<QueueShardVerticle, List<Delivery>> byOwner(List<Delivery> deliveries) {
            Map<QueueShardVerticle, List<Delivery>> byOwner = new HashMap<>();
            for (Delivery d : deliveries) {
                byOwner.computeIfAbsent(domainOwner(services.shards(), d.domain), o -> new ArrayList<>()).add(d);
            }
            return byOwner;
        }
    }
}

package io.hermod;

import io.hermod.cluster.ClusterLimits;
import io.hermod.intake.FileReloader;
import io.hermod.shaping.ShapingException;
import io.hermod.shaping.ShapingStore;
import io.hermod.api.ApiServices;
import io.hermod.api.HttpApi;
import io.hermod.bounce.Classifier;
import io.hermod.bounce.SuppressionPolicy;
import io.hermod.config.FeedbackConfig;
import io.hermod.config.HermodConfig;
import io.hermod.config.HostAndPort;
import io.hermod.config.ConfigException;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.dkim.Algorithm;
import io.hermod.dkim.ConfiguredKeys;
import io.hermod.dkim.DkimKeys;
import io.hermod.dkim.KeyedSigning;
import io.hermod.dkim.Signing;
import io.hermod.dns.MxResolver;
import io.hermod.eventlog.EventLog;
import io.hermod.feedback.InboundReports;
import io.hermod.feedback.References;
import io.hermod.intake.ConnectionLimits;
import io.hermod.intake.IntakeCredentials;
import io.hermod.intake.IntakeObserver;
import io.hermod.intake.IntakePolicy;
import io.hermod.intake.IntakeTelemetry;
import io.hermod.intake.IntakeVerticle;
import io.hermod.intake.Listener;
import io.hermod.intake.ListenerRole;
import io.hermod.intake.SuppressionCheck;
import io.hermod.intake.InboundMail;
import io.hermod.intake.TraceHeader;
import io.hermod.metrics.HermodMetrics;
import io.hermod.metrics.VertxGaugeWarnings;
import io.hermod.queue.MessageQueue;
import io.hermod.queue.ShardedQueue;
import io.hermod.spool.MemoryBudget;
import io.hermod.spool.Spool;
import io.hermod.spool.Suppressions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Hermod: metrics, the spool, the event log, the queue shards, the SMTP listeners and
 * the HTTP server, started in that order (so nothing is accepted before the spool's start-up scan
 * has handed back what an earlier run accepted) and stopped in the reverse order.
 */
public final class Hermod implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Hermod.class.getName());
    /** How often the DKIM key files and {@code bounce.rules} are checked for a change. */
    static final java.time.Duration KEY_RELOAD = java.time.Duration.ofSeconds(5);
    /** How often expired suppression entries are removed from the spool. */
    static final java.time.Duration SUPPRESSION_PURGE = java.time.Duration.ofHours(1);

    private final HermodConfig config;
    private final Vertx vertx;
    private final String registryName;
    private final Spool spool;
    private final EventLog events;
    private final ShardedQueue queue;
    private final List<SocketAddress> smtpAddresses;
    private final List<IntakeVerticle> intake;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch closeDone = new java.util.concurrent.CountDownLatch(1);
    private HttpServer http;
    private ShapingStore shaping;
    private HttpApi api;
    private QueueHandoff handoff;
    private volatile boolean ready;

    private Hermod(HermodConfig config, Vertx vertx, String registryName, Spool spool, EventLog events,
                   ShardedQueue queue, List<IntakeVerticle> intake) {
        this.intake = List.copyOf(intake);
        this.smtpAddresses = intake.get(0).boundAddresses();
        this.config = config;
        this.vertx = vertx;
        this.registryName = registryName;
        this.spool = spool;
        this.events = events;
        this.queue = queue;
    }

    /**
     * Netty's epoll transport where it runs (Linux, x86-64), else the JDK's. On the peer benchmark
     * epoll took about a tenth less CPU per message than the JDK's selector; io_uring was no better
     * than epoll there, and container runtimes often forbid it.
     */
    static Transport transport() {
        if (Transport.EPOLL.available()) {
            return Transport.EPOLL;
        }
        LOG.log(System.Logger.Level.INFO, "network: epoll unavailable (" + Transport.EPOLL.unavailabilityCause()
                + "); using the JDK's transport");
        return Transport.NIO;
    }

    /** Starts Hermod; blocking. Throws {@link StartupException} naming what failed. */
    public static Hermod start(HermodConfig config) {
        Classifier classifier = classifier(config);
        ShapingStore shaping = shaping(config);
        VertxGaugeWarnings.install();
        // A registry per instance: several Hermods in one JVM (tests) must not share gauges.
        String registryName = "hermod-" + UUID.randomUUID();
        MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setRegistryName(registryName)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
        Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metricsOptions)
                        .setEventLoopPoolSize(HermodConfig.eventLoops()))
                .withTransport(transport())
                .withMetrics(new MicrometerMetricsFactory()).build();
        HermodMetrics metrics = new HermodMetrics(BackendRegistries.getNow(registryName));
        Spool spool = null;
        EventLog events = null;
        ShardedQueue queue = null;
        try {
            spool = Spool.open(config.spool().path(),
                    (operations, durable, nanos, failure) -> metrics.spoolBatch(operations, nanos, failure != null));
            try {
                events = EventLog.open(config.log().events());
            } catch (RuntimeException e) {
                throw new StartupException("log.events: " + e.getMessage(), e);
            }
            Signing signing = signing(vertx, config, metrics);
            ClusterLimits cluster = ClusterLimits.of(vertx, config, shaping, metrics);
            queue = await(ShardedQueue.deploy(vertx, config, spool, ClientTimeouts.rfc5321(),
                    new MxResolver(vertx, config.dns()), metrics, events, signing, classifier, cluster.limits()),
                    "queue.shards " + config.queue().shards());
            cluster.attach(queue);
            if (config.shaping().path().isPresent()) {
                vertx.setPeriodic(KEY_RELOAD.toMillis(), id -> vertx.executeBlocking(() -> shaping.reload(false), false));
            }
            if (config.bounce().rules().isPresent()) {
                vertx.setPeriodic(KEY_RELOAD.toMillis(), id -> vertx.executeBlocking(classifier::reload, false));
            }
            MemoryBudget memory = new MemoryBudget(config.smtp().maxBufferedBytes());
            metrics.intakeMemory(memory);
            queue.recover();
            ConnectionLimits limits = new ConnectionLimits(config.smtp().maxConnections(),
                    config.smtp().maxConnectionsPerIp());
            metrics.gauge("hermod.inbound.connections", "Open SMTP client connections", limits::open);
            List<IntakeVerticle> intake = deployIntake(vertx, config, spool, queue, limits,
                    new IntakeTelemetry(metrics, events), signing,
                    feedback(vertx, config, spool, events, metrics, classifier), memory);
            Hermod hermod = new Hermod(config, vertx, registryName, spool, events, queue, intake);
            hermod.shaping = shaping;
            hermod.handoff = new QueueHandoff(config, vertx, spool, queue, metrics, hermod::stopIntake);
            HttpApi api = new HttpApi(vertx, new ApiServices(config, spool, queue, queue, events,
                    PrometheusScrapingHandler.create(registryName), hermod::isReady, signing, queue, memory,
                    hermod.handoff));
            HostAndPort httpListen = config.http().listen();
            hermod.api = api;
            hermod.http = await(api.listen(httpListen.host(), httpListen.port()), "http.listen " + httpListen);
            api.resumeInjections();
            if (config.http().token().isEmpty() && !isLoopback(httpListen.host())) {
                LOG.log(System.Logger.Level.WARNING, "http.listen " + httpListen + " is reachable beyond this host and"
                        + " http.token is unset: anyone who reaches it can inject, suspend and delete mail");
            }
            hermod.ready = true;
            return hermod;
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.stopRecovery();
            }
            try {
                await(vertx.close(), "shutdown");
            } finally {
                if (events != null) {
                    events.close();
                }
                if (spool != null) {
                    spool.close();
                }
            }
            throw e;
        }
    }

    /**
     * One intake verticle per event loop, each listening on every address of every role (relay,
     * submission, implicit-TLS submission): Vert.x binds each address once and hands connections to
     * the instances in turn (for port 0 the instances share the one port the first bound).
     */
    private static List<IntakeVerticle> deployIntake(Vertx vertx, HermodConfig config, Spool spool, MessageQueue queue,
                                                     ConnectionLimits limits, IntakeObserver observer,
                                                     Signing signing, Feedback feedback, MemoryBudget memory) {
        IntakePolicy policy = IntakePolicy.of(config.hostname(), config.smtp()).withSigning(signing)
                .withSuppression(SuppressionCheck.of(config.suppression(), spool.suppressions()))
                .withFeedback(feedback.inbound(), feedback.trace()).withMemory(memory);
        List<Listener> listeners = Listener.configured(config.smtp(), config.submission());
        IntakeCredentials credentials = IntakeCredentials.load(vertx, config.tls(), config.auth());
        List<IntakeVerticle> instances = new CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> {
            IntakeVerticle verticle = new IntakeVerticle(policy, spool, queue, limits, listeners, credentials.tls(),
                    credentials.authenticator(), observer);
            instances.add(verticle);
            return verticle;
        }, new DeploymentOptions().setInstances(HermodConfig.eventLoops())),
                String.join(", ", listeners.stream().map(l -> l.role().listenKey() + " " + l.addresses()).toList()));
        for (Listener listener : listeners) {
            List<SocketAddress> bound = instances.get(0).boundAddresses(listener.role());
            for (IntakeVerticle other : instances) {
                if (!other.boundAddresses(listener.role()).equals(bound)) {
                    throw new StartupException(listener.role().listenKey() + ": instances bound different ports: "
                            + bound + " and " + other.boundAddresses(listener.role()), null);
                }
            }
            for (SocketAddress address : bound) {
                LOG.log(System.Logger.Level.INFO, "{0}: listening on {1}:{2,number,#}",
                        listener.role().listenKey().replace(".listen", ""), address.host(), address.port());
            }
        }
        return instances;
    }

    /**
     * What comes back ({@code inbound.*}, {@code feedback.secret}): the consumer of mail to the
     * inbound domains and the {@code X-Hermod-Ref} header for intake; and the suppression list's
     * upkeep, an hourly purge of expired entries (off the event loop) and the entries gauge.
     */
    private static Feedback feedback(Vertx vertx, HermodConfig config, Spool spool, EventLog events,
                                     HermodMetrics metrics, Classifier classifier) {
        FeedbackConfig feedback = config.feedback();
        References references = feedback.secret().map(References::new).orElse(null);
        Suppressions suppressions = spool.suppressions();
        metrics.gauge("hermod.suppression.entries", "Entries on the suppression list (RocksDB's estimate,"
                + " expired entries not yet purged included)", suppressions::estimatedEntries);
        vertx.setPeriodic(SUPPRESSION_PURGE.toMillis(), id -> vertx.executeBlocking(
                () -> suppressions.purgeExpired(System.currentTimeMillis()), false)
                .onSuccess(n -> {
                    if (n > 0) {
                        LOG.log(System.Logger.Level.INFO, "suppression: purged " + n + " expired entries");
                    }
                })
                .onFailure(e -> LOG.log(System.Logger.Level.WARNING, "suppression: purge failed: " + e)));
        InboundMail inbound = feedback.inboundDomains().isEmpty() ? InboundMail.NONE
                : new InboundReports(feedback, references, classifier, new SuppressionPolicy(config.suppression()),
                        suppressions::add, events, metrics,
                        task -> vertx.executeBlocking(() -> {
                            task.run();
                            return null;
                        }, false), java.time.Clock.systemUTC());
        TraceHeader trace = references == null ? TraceHeader.NONE : references::headerField;
        return new Feedback(inbound, trace);
    }

    /** What intake needs from the feedback package. */
    private record Feedback(InboundMail inbound, TraceHeader trace) {
    }

    /**
     * DKIM signing at acceptance with the keys of {@code dkim.*}, re-read every few seconds when a
     * file changes (a key that stops being readable keeps the old one); none when no key is set. A
     * key file that does not load stops start-up with a line naming the setting.
     */
    private static Signing signing(Vertx vertx, HermodConfig config, HermodMetrics metrics) {
        if (config.dkim().domains().isEmpty() && config.dkim().defaultSigner().isEmpty()) {
            return Signing.NONE;
        }
        DkimKeys keys;
        try {
            keys = ConfiguredKeys.load(config.dkim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        vertx.setPeriodic(KEY_RELOAD.toMillis(), id -> vertx.executeBlocking(keys::reload, false));
        return new KeyedSigning(keys, java.time.Clock.systemUTC(), new KeyedSigning.Observer() {
            @Override
            public void signed(List<Algorithm> algorithms) {
                algorithms.forEach(a -> metrics.dkimSignature(a.tag()));
                metrics.dkimMessage("signed");
            }

            @Override
            public void unsigned() {
                metrics.dkimMessage("unsigned");
            }

            @Override
            public void failed() {
                metrics.dkimMessage("failed");
            }
        });
    }

    /**
     * The shaping in force: the built-in file, then {@code shaping.path}. A file that does not parse
     * stops start-up with one line naming the setting, the file and the key.
     */
    private static ShapingStore shaping(HermodConfig config) {
        try {
            return ShapingStore.load(config.shaping().path(), ShapingStore.Base.of(
                    config.delivery().maxConnectionsPerDestination(), config.delivery().maxMessagesPerConnection(),
                    config.delivery().maxRecipientsPerTransaction(), config.queue().maxReady(),
                    config.queue().retry().initial(), config.queue().retry().max(), config.queue().retry().factor()));
        } catch (ShapingException e) {
            throw new ConfigException(ShapingStore.SETTING + ": " + e.getMessage());
        }
    }

    /**
     * The bounce classifier: {@code bounce.rules} before the table in the jar. A rules file that
     * does not parse stops start-up with one line naming the setting and the line.
     */
    private static Classifier classifier(HermodConfig config) {
        try {
            return Classifier.load(config.bounce().rules().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * SIGHUP: the certificate, key and user files and the shaping file are read again now (they
     * are also polled for changes); a file that does not load keeps what was in force and logs why.
     */
    public void reload() {
        vertx.eventBus().publish(FileReloader.RELOAD_ADDRESS, null);
        ShapingStore s = shaping;
        if (s != null) {
            vertx.executeBlocking(() -> s.reload(true), false);
        }
    }

    /** The shaping in force (for tests and the API). */
    public ShapingStore shaping() {
        return shaping;
    }

    /** The port of the first {@code submission.listen} address, or -1 when port 587 is off. */
    public int submissionPort() {
        List<SocketAddress> bound = intake.get(0).boundAddresses(ListenerRole.SUBMISSION);
        return bound.isEmpty() ? -1 : bound.get(0).port();
    }

    /** The port of the first {@code submissions.listen} address, or -1 when port 465 is off. */
    public int submissionsPort() {
        List<SocketAddress> bound = intake.get(0).boundAddresses(ListenerRole.SUBMISSIONS);
        return bound.isEmpty() ? -1 : bound.get(0).port();
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Ready once started, until closed, and while the spool can write: a spool whose commits fail
     * (disk full, I/O error) could only answer {@code 451}, so the pod leaves the Service until a
     * write succeeds again.
     */
    public boolean isReady() {
        return ready && spool.isOpen() && spool.writable() && (handoff == null || !handoff.intakeClosed());
    }

    public HermodConfig config() {
        return config;
    }

    public Spool spool() {
        return spool;
    }

    public ShardedQueue queue() {
        return queue;
    }

    public EventLog events() {
        return events;
    }

    public Vertx vertx() {
        return vertx;
    }

    public List<SocketAddress> smtpAddresses() {
        return smtpAddresses;
    }

    public int smtpPort() {
        return smtpAddresses.get(0).port();
    }

    public int httpPort() {
        return http.actualPort();
    }

    /**
     * Graceful stop (SIGTERM): readiness turns false at once, the listeners stop accepting, sessions
     * in a transaction may finish it (the others get 421 4.3.2), no new delivery starts and those in
     * flight may complete, all within {@code shutdown.grace}. With {@code cluster.handoff_to} the
     * queue is then handed to that peer (within {@code cluster.handoff_timeout}); a hand-off started
     * through the API is waited for. Then everything is closed, the spool last. What did not finish
     * or move stays pending in the spool. Blocking.
     */
    public void drain() {
        ready = false;
        handoff.stopIntakeAndWait();
        LOG.log(System.Logger.Level.INFO, "shutdown: drained");
        String failure = handoff.onTerminate();
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "shutdown: hand-off incomplete (" + failure
                    + "); " + queue.messages() + " messages stay in the spool");
        }
        close();
    }

    /**
     * Closes the listeners (sessions in a transaction may finish it, within {@code shutdown.grace}
     * plus 5 s, after which the verticles' stop tells them 421) and stops starting deliveries;
     * completes when the listeners are closed and the deliveries in flight are done.
     */
    private Future<?> stopIntake() {
        ready = false;
        java.time.Duration grace = config.shutdown().grace();
        List<Future<?>> steps = new java.util.ArrayList<>();
        for (IntakeVerticle verticle : intake) {
            steps.add(verticle.drain(grace.plusSeconds(5)));
        }
        // HTTP stays up until the end: /health/ready answers 503, /health/live and /metrics still work.
        steps.add(queue.drain());
        return Future.join(steps);
    }

    /** The queue hand-off (the API's and SIGTERM's). */
    public io.hermod.cluster.handoff.HandoffControl handoff() {
        return handoff;
    }

    /** Closes Vert.x (and every connection), then the event log and the spool. Blocking; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            // A second caller (the JVM's shutdown hook during a drain) waits for the first to finish,
            // so the JVM does not exit with the spool half closed.
            try {
                closeDone.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        ready = false;
        if (handoff != null) {
            handoff.stop();
        }
        try {
            if (api != null) {
                api.close(); // batch expansion needs the event loops to queue what it commits
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "shutdown: Vert.x did not close cleanly: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.close();
            spool.close();
            BackendRegistries.stop(registryName);
            closeDone.countDown();
        }
    }

    static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StartupException(what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new StartupException(what + ": timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(what + ": interrupted", e);
        }
    }

    /** Hermod could not start; the message names the setting or resource. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

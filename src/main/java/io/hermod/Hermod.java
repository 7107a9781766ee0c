package io.hermod;

import io.hermod.api.HttpApi;
import io.hermod.config.HermodConfig;
import io.hermod.config.HostAndPort;
import io.hermod.intake.ConnectionLimits;
import io.hermod.intake.IntakePolicy;
import io.hermod.intake.IntakeVerticle;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.dns.MxResolver;
import io.hermod.queue.MessageQueue;
import io.hermod.queue.ShardedQueue;
import io.hermod.spool.Spool;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Hermod: the spool, the queue shards, the SMTP listeners and the HTTP server, wired
 * together and started in that order (so nothing is accepted before the spool's start-up scan has
 * handed back what an earlier run accepted), stopped in the reverse order.
 */
public final class Hermod implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Hermod.class.getName());

    private final HermodConfig config;
    private final Spool spool;
    private final ShardedQueue queue;
    private final Vertx vertx;
    private final List<SocketAddress> smtpAddresses;
    private final HttpServer http;
    private volatile boolean ready;

    private Hermod(HermodConfig config, Spool spool, ShardedQueue queue, Vertx vertx,
                   List<SocketAddress> smtpAddresses, HttpServer http) {
        this.config = config;
        this.spool = spool;
        this.queue = queue;
        this.vertx = vertx;
        this.smtpAddresses = smtpAddresses;
        this.http = http;
    }

    /** Starts Hermod; blocking. Throws {@link StartupException} naming what failed. */
    public static Hermod start(HermodConfig config) {
        Spool spool = Spool.open(config.spool().path());
        Vertx vertx = Vertx.vertx(new VertxOptions());
        try {
            ShardedQueue queue = await(ShardedQueue.deploy(vertx, config, spool, ClientTimeouts.rfc5321(),
                            new MxResolver(vertx, config.dns())),
                    "queue.shards " + config.queue().shards());
            spool.recover(envelope -> queue.enqueue(envelope, null));
            List<SocketAddress> smtp = deployIntake(vertx, config, spool, queue);
            Hermod[] self = new Hermod[1];
            HttpApi api = new HttpApi(vertx, () -> self[0] != null && self[0].ready && spool.isOpen());
            HostAndPort httpListen = config.http().listen();
            HttpServer http = await(api.listen(httpListen.host(), httpListen.port()), "http.listen " + httpListen);
            self[0] = new Hermod(config, spool, queue, vertx, smtp, http);
            self[0].ready = true;
            return self[0];
        } catch (RuntimeException e) {
            try {
                await(vertx.close(), "shutdown");
            } finally {
                spool.close();
            }
            throw e;
        }
    }

    /**
     * One intake verticle per event loop, all listening on the same addresses: Vert.x binds each
     * address once and hands connections to the instances in turn (for port 0 the instances share
     * the one port the first bound).
     */
    private static List<SocketAddress> deployIntake(Vertx vertx, HermodConfig config, Spool spool, MessageQueue queue) {
        IntakePolicy policy = IntakePolicy.of(config.hostname(), config.smtp());
        ConnectionLimits limits = new ConnectionLimits(config.smtp().maxConnections(),
                config.smtp().maxConnectionsPerIp());
        List<IntakeVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> {
            IntakeVerticle verticle = new IntakeVerticle(policy, spool, queue, limits, config.smtp().listen());
            instances.add(verticle);
            return verticle;
        }, new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE)),
                "smtp.listen " + config.smtp().listen());
        List<SocketAddress> bound = instances.get(0).boundAddresses();
        for (IntakeVerticle other : instances) {
            if (!other.boundAddresses().equals(bound)) {
                throw new StartupException("smtp.listen: instances bound different ports: " + bound + " and "
                        + other.boundAddresses(), null);
            }
        }
        for (SocketAddress address : bound) {
            LOG.log(System.Logger.Level.INFO, "smtp: listening on {0}:{1,number,#}", address.host(), address.port());
        }
        return bound;
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

    /** Stops listening, lets Vert.x close connections, then closes the spool. Blocking. */
    @Override
    public void close() {
        ready = false;
        try {
            await(vertx.close(), "shutdown");
        } finally {
            spool.close();
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

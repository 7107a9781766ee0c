package io.hermod.queue;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.DestinationPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** The event-loop shell of one {@link QueueShard}: deliveries reach it on its own context. */
final class QueueShardVerticle extends VerticleBase {

    private final QueueServices services;
    private QueueShard shard;
    private Context shardContext;

    QueueShardVerticle(QueueServices services) {
        this.services = services;
    }

    @Override
    public Future<?> start() {
        shardContext = context;
        QueueServices s = services;
        NetClientOptions options = new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout((int) s.timeouts().of(ClientStep.CONNECT).toMillis())
                .setSslHandshakeTimeout(s.timeouts().of(ClientStep.STARTTLS).toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        // Opportunistic TLS (RFC 7435): any certificate will do, encryption beats plain text.
        NetClient client = vertx.createNetClient(new NetClientOptions(options)
                .setTrustAll(true).setHostnameVerificationAlgorithm(""));
        // delivery.tls.required_domains: the JVM's trusted authorities, the MX host name checked.
        NetClient verifying = vertx.createNetClient(new NetClientOptions(options)
                .setHostnameVerificationAlgorithm("HTTPS"));
        shard = new QueueShard(vertx, task -> shardContext.runOnContext(v -> task.run()), Clock.systemUTC(),
                s.nextHop(), RetryPolicy.of(s.config().queue().retry()), s.config().queue().maxAge(),
                s.config().queue().delayWarning().orElse(null), s.ledger(),
                s.bounces(),
                delivery -> {
                    byte[] held = delivery.takeBody();
                    return held != null ? new MemoryBody(held) : new SpoolBody(vertx, s.spool(), delivery.envelope);
                },
                destination -> new DestinationPool(destination, vertx, destination.tlsRequired() ? verifying : client,
                        s.config().hostname(), s.timeouts(),
                        s.budget(), s.config().delivery().maxMessagesPerConnection(), new DeliveryMeters(s.metrics())),
                new QueueTelemetry(s.metrics(), s.events(), Clock.systemUTC()));
        vertx.setPeriodic(1000, id -> shard.tick());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        shard.close();
        return Future.succeededFuture();
    }

    /** Hands a delivery to the shard on its event loop; callable from any thread. */
    void submit(Delivery delivery) {
        shardContext.runOnContext(v -> shard.accept(delivery));
    }

    /** Runs {@code action} on the shard's event loop and completes with its result. */
    <T> Future<T> call(java.util.function.Function<QueueShard, T> action) {
        io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
        Context caller = vertx.getOrCreateContext();
        shardContext.runOnContext(v -> {
            try {
                T result = action.apply(shard);
                caller.runOnContext(w -> promise.complete(result)); // answer on the caller's thread
            } catch (RuntimeException e) {
                caller.runOnContext(w -> promise.fail(e));
            }
        });
        return promise.future();
    }

    /** A context of the caller's Vert.x for futures answered off the event loops. */
    Context vertxContext() {
        return vertx.getOrCreateContext();
    }

    QueueShard shard() {
        return shard;
    }
}

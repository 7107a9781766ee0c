package io.hermod.queue;

import io.hermod.delivery.ClientStep;
import io.hermod.delivery.DestinationPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;

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
        NetClient client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout((int) s.timeouts().of(ClientStep.CONNECT).toMillis()));
        shard = new QueueShard(vertx, task -> shardContext.runOnContext(v -> task.run()), Clock.systemUTC(),
                s.nextHop(), RetryPolicy.of(s.config().queue().retry()), s.config().queue().maxAge(),
                s.config().queue().delayWarning().orElse(null), s.ledger(),
                s.bounces(),
                delivery -> {
                    byte[] held = delivery.takeBody();
                    return held != null ? new MemoryBody(held) : new SpoolBody(vertx, s.spool(), delivery.envelope);
                },
                destination -> new DestinationPool(destination, vertx, client, s.config().hostname(), s.timeouts(),
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

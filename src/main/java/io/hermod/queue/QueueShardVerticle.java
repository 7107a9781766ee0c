package io.hermod.queue;

import io.hermod.config.HermodConfig;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.delivery.DestinationPool;
import io.hermod.dns.StaticRoutes;
import io.hermod.spool.Spool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Clock;

/** The event-loop shell of one {@link QueueShard}: deliveries reach it on its own context. */
final class QueueShardVerticle extends VerticleBase {

    private final HermodConfig config;
    private final Spool spool;
    private final MessageLedger ledger;
    private final ConnectionBudget budget;
    private final ClientTimeouts timeouts;
    private QueueShard shard;
    private Context shardContext;

    QueueShardVerticle(HermodConfig config, Spool spool, MessageLedger ledger, ConnectionBudget budget,
                       ClientTimeouts timeouts) {
        this.config = config;
        this.spool = spool;
        this.ledger = ledger;
        this.budget = budget;
        this.timeouts = timeouts;
    }

    @Override
    public Future<?> start() {
        shardContext = context;
        NetClient client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout((int) timeouts.of(io.hermod.delivery.ClientStep.CONNECT).toMillis()));
        shard = new QueueShard(vertx, Clock.systemUTC(), new StaticRoutes(config.delivery().routes()),
                RetryPolicy.of(config.queue().retry()), ledger,
                delivery -> {
                    byte[] held = delivery.takeBody();
                    return held != null ? new MemoryBody(held) : new SpoolBody(vertx, spool, delivery.envelope);
                },
                destination -> new DestinationPool(destination, vertx, client, config.hostname(), timeouts, budget,
                        config.delivery().maxMessagesPerConnection()));
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
}

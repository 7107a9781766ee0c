package io.hermod.queue;

import io.hermod.config.HermodConfig;
import io.hermod.delivery.ClientTimeouts;
import io.hermod.delivery.ConnectionBudget;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.hermod.dns.MxResolver;
import io.hermod.dns.StaticRoutes;
import java.time.Clock;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The queue layer's door: splits each accepted message by recipient domain and hands each part to
 * the shard that owns {@code hash(domain) mod queue.shards}. Shards own their domains outright;
 * nothing here holds queue state.
 */
public final class ShardedQueue implements MessageQueue {

    private final List<QueueShardVerticle> shards;
    private final MessageLedger ledger;
    private final HotBodies hotBodies = new HotBodies(HotBodies.DEFAULT_LIMIT);

    private ShardedQueue(List<QueueShardVerticle> shards, MessageLedger ledger) {
        this.shards = List.copyOf(shards);
        this.ledger = ledger;
    }

    /**
     * Deploys {@code queue.shards} shard verticles, one per event loop as Vert.x assigns them.
     * Domains without a {@code delivery.routes} entry are looked up with {@code resolver}.
     */
    public static Future<ShardedQueue> deploy(Vertx vertx, HermodConfig config, Spool spool, ClientTimeouts timeouts,
                                              MxResolver resolver) {
        MessageLedger ledger = new MessageLedger(spool);
        ConnectionBudget budget = new ConnectionBudget(config.delivery().maxConnectionsPerDestination());
        NextHop nextHop = new NextHop(new StaticRoutes(config.delivery().routes()), resolver,
                config.delivery().smtpPort());
        Bounces bounces = new Bounces(vertx, spool, config.hostname(), Clock.systemUTC());
        QueueServices services = new QueueServices(config, spool, ledger, budget, timeouts, nextHop, bounces);
        List<QueueShardVerticle> created = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
            QueueShardVerticle shard = new QueueShardVerticle(services);
            created.add(shard);
            return shard;
        }, new DeploymentOptions().setInstances(config.queue().shards())).map(id -> {
            ShardedQueue queue = new ShardedQueue(created, ledger);
            bounces.queue(queue);
            return queue;
        });
    }

    @Override
    public void enqueue(Envelope envelope, byte[] body) {
        ledger.register(envelope);
        Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
        List<Recipient> recipients = envelope.recipients();
        for (int i = 0; i < recipients.size(); i++) {
            if (!recipients.get(i).state().isFinal()) {
                byDomain.computeIfAbsent(recipients.get(i).domain(), d -> new ArrayList<>()).add(i);
            }
        }
        byDomain.forEach((domain, indexes) -> {
            Delivery delivery = new Delivery(envelope, domain, indexes);
            if (body != null && hotBodies.tryReserve(body.length)) {
                delivery.holdBody(body, hotBodies);
            }
            shardOf(domain).submit(delivery);
        });
    }

    private QueueShardVerticle shardOf(String domain) {
        return shards.get(Math.floorMod(domain.hashCode(), shards.size()));
    }

    /** Messages with a recipient not yet final. */
    public int messages() {
        return ledger.messages();
    }
}

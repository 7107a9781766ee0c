package io.hermod.cluster;

import io.hermod.config.HermodConfig;
import io.hermod.metrics.HermodMetrics;
import io.hermod.queue.ShardedQueue;
import io.hermod.queue.SiteAction;
import io.hermod.shaping.ShapingStore;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;

/**
 * The limits the queue works with: with {@code cluster.redis} set, throttles, leases and site
 * actions shared through Redis (and their meters); without it, the process's own.
 */
public final class ClusterLimits {

    private final ShardedQueue.Limits limits;
    private final ClusterActions actions;

    private ClusterLimits(ShardedQueue.Limits limits, ClusterActions actions) {
        this.limits = limits;
        this.actions = actions;
    }

    public static ClusterLimits of(Vertx vertx, HermodConfig config, ShapingStore shaping, HermodMetrics metrics) {
        if (config.cluster().redis().isEmpty()) {
            return new ClusterLimits(new ShardedQueue.Limits(shaping, null, null, null, SiteAction.Sharing.NONE), null);
        }
        String pod = config.hostname() + "-" + UUID.randomUUID().toString().substring(0, 8);
        RedisLink redis = RedisLink.start(vertx, config.cluster().redis().get(), pod);
        ClusterThrottles throttles = new ClusterThrottles(redis);
        ClusterLeases leases = new ClusterLeases(vertx, redis, "lease");
        ClusterLeases providerLeases = new ClusterLeases(vertx, redis, "provider-lease");
        ClusterActions actions = new ClusterActions(vertx, redis);
        vertx.setPeriodic(10_000, id -> throttles.forgetIdle(Duration.ofSeconds(30)));
        metrics.cluster(() -> redis.up() ? 1 : 0, redis::livePods, throttles::calls,
                () -> leases.denials() + providerLeases.denials());
        return new ClusterLimits(new ShardedQueue.Limits(shaping, throttles, leases, providerLeases, actions), actions);
    }

    public ShardedQueue.Limits limits() {
        return limits;
    }

    /** Site actions read from Redis go to {@code queue}'s shards. */
    public void attach(ShardedQueue queue) {
        if (actions != null) {
            actions.applyTo(new ClusterActions.Applier() {
                @Override
                public void apply(SiteAction action) {
                    queue.applyShared(action);
                }

                @Override
                public void lift(String site, String source) {
                    queue.liftShared(site, source);
                }
            });
        }
    }
}

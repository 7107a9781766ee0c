package io.hermod.cluster;

import io.hermod.shaping.Leases;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection leases shared by every pod: a sorted set per key in Redis holds one member per open
 * connection in the cluster, scored by its expiry ({@link Scripts#LEASE}); this pod renews its
 * own every {@link #RENEW_MILLIS} and removes each when its connection closes, and the leases of a
 * pod that died expire after {@link #TTL_MILLIS}. A lease is asked for asynchronously: the first
 * {@code tryAcquire} says no and starts the request; when it is granted the caller is woken and
 * takes it. While Redis cannot be reached, each pod allows {@code limit / live pods} (at least 1);
 * the connections it opens meanwhile hold lease ids too, which are written to Redis as soon as it
 * is back, so that the cluster counts them from then on.
 */
public final class ClusterLeases implements Leases {

    static final long TTL_MILLIS = 15_000;
    static final long RENEW_MILLIS = 5_000;
    /** A granted lease nobody took within this long is given back. */
    static final long SPARE_MILLIS = 2_000;
    /** After a refusal, ask again no sooner than this (another pod's connection must close first). */
    static final long RETRY_MILLIS = 200;

    private final Vertx vertx;
    private final RedisLink redis;
    private final String prefix;
    private final ConcurrentHashMap<String, Held> byKey = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong denials = new AtomicLong();

    /** This pod's leases under one key. */
    private static final class Held {
        final ArrayDeque<String> inUse = new ArrayDeque<>();
        /** Granted, not yet taken, with the time each was granted. */
        final ArrayDeque<long[]> spareTimes = new ArrayDeque<>();
        final ArrayDeque<String> spare = new ArrayDeque<>();
        boolean asking;
        /** Dropped from the map (idle): whoever still holds it takes a fresh one. */
        boolean removed;
        long notBeforeMillis;
        final List<Runnable> waiting = new ArrayList<>(1);
    }

    public ClusterLeases(Vertx vertx, RedisLink redis, String keyPrefix) {
        this.vertx = vertx;
        this.redis = redis;
        this.prefix = "hermod:" + keyPrefix + ":";
        vertx.setPeriodic(RENEW_MILLIS, id -> renew());
        redis.onUp(this::renew);
        vertx.setPeriodic(SPARE_MILLIS, id -> returnSpares());
    }

    /** Leases refused so far (the limit was reached in the cluster). */
    public long denials() {
        return denials.get();
    }

    @Override
    public boolean tryAcquire(String key, int limit, Runnable wake) {
        while (true) {
            Held h = byKey.computeIfAbsent(key, k -> new Held());
            synchronized (h) {
                if (!h.removed) {
                    return tryAcquire(key, limit, wake, h);
                }
            }
        }
    }

    private boolean tryAcquire(String key, int limit, Runnable wake, Held h) {
        {
            if (!redis.up()) {
                int share = Math.max(1, limit / redis.livePods());
                if (h.inUse.size() >= share) {
                    return false;
                }
                h.inUse.add(redis.pod() + "#" + ids.incrementAndGet()); // written to Redis by the next renewal
                return true;
            }
            if (!h.spare.isEmpty()) {
                h.inUse.add(h.spare.poll());
                h.spareTimes.poll();
                return true;
            }
            if (!h.waiting.contains(wake)) {
                h.waiting.add(wake);
            }
            if (!h.asking && System.currentTimeMillis() >= h.notBeforeMillis) {
                h.asking = true;
                ask(key, limit, h);
            }
            return false;
        }
    }

    private void ask(String key, int limit, Held h) {
        String id = redis.pod() + "#" + ids.incrementAndGet();
        redis.script(Scripts.LEASE, List.of(prefix + key), List.of(Integer.toString(limit), id,
                Long.toString(TTL_MILLIS))).onComplete(ar -> {
                    List<Runnable> wake;
                    synchronized (h) {
                        h.asking = false;
                        if (ar.succeeded() && ar.result().toInteger() == 1) {
                            h.spare.add(id);
                            h.spareTimes.add(new long[] {System.currentTimeMillis()});
                        } else {
                            if (ar.succeeded()) {
                                denials.incrementAndGet();
                            }
                            h.notBeforeMillis = System.currentTimeMillis() + RETRY_MILLIS;
                        }
                        wake = new ArrayList<>(h.waiting);
                        h.waiting.clear();
                    }
                    if (ar.succeeded() && ar.result().toInteger() == 1) {
                        wake.forEach(Runnable::run);
                    } else {
                        vertx.setTimer(RETRY_MILLIS, t -> wake.forEach(Runnable::run));
                    }
                });
    }

    @Override
    public void release(String key) {
        Held h = byKey.get(key);
        if (h == null) {
            return;
        }
        String id;
        synchronized (h) {
            id = h.inUse.poll();
        }
        if (id != null && redis.up()) {
            remove(key, id); // while Redis is away the lease was never added, or it expires there
        }
    }

    private void remove(String key, String id) {
        redis.call(api -> api.zrem(List.of(prefix + key, id)));
    }

    /** Keeps this pod's leases alive (and writes those Redis does not have); one script call for all. */
    void renew() {
        if (!redis.up()) {
            return;
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(TTL_MILLIS));
        byKey.forEach((key, h) -> {
            synchronized (h) {
                for (String id : h.inUse) {
                    keys.add(prefix + key);
                    args.add(id);
                }
                for (String id : h.spare) {
                    keys.add(prefix + key);
                    args.add(id);
                }
            }
        });
        if (!keys.isEmpty()) {
            redis.script(Scripts.RENEW, keys, args);
        }
    }

    /** Leases granted but not taken (the work went elsewhere) go back. */
    private void returnSpares() {
        long now = System.currentTimeMillis();
        byKey.forEach((key, h) -> {
            List<String> stale = new ArrayList<>();
            synchronized (h) {
                while (!h.spareTimes.isEmpty() && now - h.spareTimes.peek()[0] > SPARE_MILLIS) {
                    h.spareTimes.poll();
                    stale.add(h.spare.poll());
                }
            }
            stale.forEach(id -> remove(key, id));
        });
        byKey.entrySet().removeIf(e -> {
            Held h = e.getValue();
            synchronized (h) {
                h.removed = h.inUse.isEmpty() && h.spare.isEmpty() && !h.asking && h.waiting.isEmpty();
                return h.removed;
            }
        });
    }
}

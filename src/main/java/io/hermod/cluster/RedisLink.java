package io.hermod.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Hermod's link to Redis: scripts run by digest (EVALSHA, loaded on a NOSCRIPT answer), every call
 * bounded by {@link #CALL_TIMEOUT_MILLIS}, whether Redis is reachable (logged once when it goes and
 * once when it is back; {@code hermod_cluster_redis_up}), and this pod's heartbeat in the
 * membership set, from which the number of live pods comes. Thread-safe.
 */
public final class RedisLink implements AutoCloseable {

    static final long CALL_TIMEOUT_MILLIS = 500;
    static final long START_WAIT_MILLIS = 5_000;
    /** A pod that has not beaten for this long no longer counts as live. */
    static final long MEMBER_TTL_MILLIS = 10_000;
    static final long HEARTBEAT_MILLIS = 2_000;
    static final String MEMBERS = "hermod:members";
    private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());
    private static final ConcurrentHashMap<String, String> DIGESTS =
            new ConcurrentHashMap<>();

    private final Vertx vertx;
    private final String url;
    private final String pod;
    private final Redis client;
    private final RedisAPI api;
    private final AtomicInteger livePods = new AtomicInteger(1);
    private volatile boolean up;
    private volatile boolean everUp;
    private long heartbeat = -1;

    private RedisLink(Vertx vertx, String connection, String pod) {
        this.vertx = vertx;
        this.url = redacted(connection);
        this.pod = pod;
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(connection).setMaxPoolSize(8)
                .setMaxWaitingHandlers(4096));
        this.api = RedisAPI.api(client);
    }

    /**
     * Connects, waiting up to {@link #START_WAIT_MILLIS} for a first answer (a fresh JVM's first
     * connection is slow); a Redis that is down at start means the fallback, not a failed start.
     */
    public static RedisLink start(Vertx vertx, String url, String pod) {
        RedisLink link = new RedisLink(vertx, url, pod);
        try {
            link.api.ping(List.of()).toCompletionStage().toCompletableFuture()
                    .get(START_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the first beat below reports it
        }
        link.beat();
        link.heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> link.beat());
        return link;
    }

    private final List<Runnable> onUp = new CopyOnWriteArrayList<>();

    /** Runs {@code action} each time Redis answers again after it could not be reached. */
    void onUp(Runnable action) {
        onUp.add(action);
    }

    public String pod() {
        return pod;
    }

    public boolean up() {
        return up;
    }

    /** Pods that beat within {@link #MEMBER_TTL_MILLIS}, as last seen; at least 1. */
    public int livePods() {
        return Math.max(1, livePods.get());
    }

    private void beat() {
        script(Scripts.MEMBER, List.of(MEMBERS), List.of(pod, Long.toString(MEMBER_TTL_MILLIS)))
                .onSuccess(r -> livePods.set(r.toInteger()));
    }

    /** Runs a script by digest; answers within {@link #CALL_TIMEOUT_MILLIS} or fails. */
    Future<Response> script(String script, List<String> keys, List<String> args) {
        List<String> call = new ArrayList<>(2 + keys.size() + args.size());
        call.add(DIGESTS.computeIfAbsent(script, RedisLink::digest));
        call.add(Integer.toString(keys.size()));
        call.addAll(keys);
        call.addAll(args);
        Future<Response> run = api.evalsha(call).recover(e -> {
            if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                List<String> withText = new ArrayList<>(call);
                withText.set(0, script);
                return api.eval(withText);
            }
            return Future.failedFuture(e);
        });
        return watched(run);
    }

    /** Any other command, with the same time bound and health tracking. */
    Future<Response> call(Function<RedisAPI, Future<Response>> command) {
        return watched(command.apply(api));
    }

    private Future<Response> watched(Future<Response> call) {
        Promise<Response> result = Promise.promise();
        long timer = vertx.setTimer(CALL_TIMEOUT_MILLIS, id -> result.tryFail(
                new TimeoutException("no answer from Redis within " + CALL_TIMEOUT_MILLIS + " ms")));
        call.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                result.tryComplete(ar.result());
            } else {
                result.tryFail(ar.cause());
            }
        });
        return result.future().andThen(ar -> health(ar.succeeded(), ar.cause()));
    }

    private synchronized void health(boolean ok, Throwable cause) {
        if (!ok && cause != null && cause.getMessage() != null && cause.getMessage().matches("^(ERR|WRONGTYPE|NOSCRIPT).*")) {
            LOG.log(System.Logger.Level.WARNING, "cluster: Redis refused a command: " + cause.getMessage());
            return; // Redis answered: it is not down
        }
        if (ok && !up) {
            up = true;
            for (Runnable r : onUp) {
                vertx.runOnContext(v -> r.run());
            }
            LOG.log(System.Logger.Level.INFO, everUp ? "cluster: Redis at " + url + " is back; limits are shared again"
                    : "cluster: limits are shared through Redis at " + url);
            everUp = true;
        } else if (!ok && (up || !everUp && !loggedDownAtStart)) {
            up = false;
            loggedDownAtStart = true;
            LOG.log(System.Logger.Level.WARNING, "cluster: Redis at " + url + " cannot be reached ("
                    + (cause == null ? "?" : cause.getMessage()) + "); each pod now keeps 1/" + livePods()
                    + " of every shared limit until it is back");
        }
    }

    private boolean loggedDownAtStart;

    /** The URL without its user and password, for logs. */
    static String redacted(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }

    static String digest(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (heartbeat >= 0) {
            vertx.cancelTimer(heartbeat);
        }
        client.close();
    }
}

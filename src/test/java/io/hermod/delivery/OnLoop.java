package io.hermod.delivery;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Recipient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Drives delivery objects from a test: each call runs on one event-loop context, as a shard
 * would, and the test thread waits for its result.
 */
final class OnLoop implements AutoCloseable {

    static final ClientTimeouts TIMEOUTS = ClientTimeouts.rfc5321().cappedAt(Duration.ofSeconds(5));

    final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    <T> T await(Supplier<Future<T>> action) throws Exception {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> action.get().onComplete(promise));
        return promise.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Waits for {@code action} to fail, and returns why. */
    Throwable failure(Supplier<Future<?>> action) throws Exception {
        return await(() -> action.get().transform(ar -> ar.failed() ? Future.succeededFuture(ar.cause())
                : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))));
    }

    void run(Runnable action) throws Exception {
        await(() -> {
            action.run();
            return Future.succeededFuture();
        });
    }

    /** A pool to {@code server} as a shard has one (ten connections, 100 messages each), opportunistic TLS. */
    DestinationPool poolTo(ScriptedServer server, ClientTimeouts timeouts) {
        return new DestinationPool(Destination.route("127.0.0.1", server.port()), vertx, trustingAll(),
                "mx.hermod.test", timeouts, new ConnectionBudget(10), 100, DeliveryObserver.NONE);
    }

    /** Reserves and opens one connection of {@code pool}, on this loop. */
    OutboundConnection open(DestinationPool pool) throws Exception {
        return await(() -> {
            if (!pool.tryReserve(1, System.currentTimeMillis())) {
                throw new AssertionError("no connection could be reserved");
            }
            return pool.open();
        });
    }

    /** Opportunistic: trusts every certificate, checks no name. */
    NetClient trustingAll() {
        return vertx.createNetClient(new NetClientOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
    }

    /** Verifying, as for a required domain, with the JVM's authorities (which do not know the sink). */
    NetClient verifyingWithDefaultTrust() {
        return vertx.createNetClient(new NetClientOptions().setHostnameVerificationAlgorithm("HTTPS"));
    }

    /** Verifying, as for a required domain, with the sink's certificate trusted. */
    NetClient verifyingTrusting(java.nio.file.Path certificate) {
        return vertx.createNetClient(new NetClientOptions().setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.toString())));
    }

    static Envelope envelope(String... recipients) {
        List<Recipient> rs = java.util.Arrays.stream(recipients).map(Recipient::pending).toList();
        return new Envelope(new MessageId(1), "sender@example.com", rs, System.currentTimeMillis(), BODY.length, 1,
                false, false, "client.test", "127.0.0.1");
    }

    static final byte[] BODY = "Subject: tls\r\n\r\nover TLS, or not at all\r\n".getBytes(StandardCharsets.US_ASCII);

    static BodySource body() {
        return new BodySource() {
            @Override
            public int chunks() {
                return 1;
            }

            @Override
            public Future<byte[]> chunk(int index) {
                return Future.succeededFuture(BODY);
            }
        };
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

package io.hermod.api;

import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Spool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real {@link HttpApi} on 127.0.0.1 and a free port, over a real {@link Spool} in a temporary
 * directory, with a recording queue and event sink and a fake {@link io.hermod.queue.QueueAdmin};
 * requests go through {@code java.net.http}.
 */
final class ApiHarness implements AutoCloseable {

    static final String HOSTNAME = "mx.hermod.test";
    static final long MAX_MESSAGE_SIZE = 1024 * 1024;
    static final int MAX_RECIPIENTS = 3;
    static final String BASE_CONFIG = "hostname: " + HOSTNAME + "\n"
            + "smtp:\n  max_message_size: " + MAX_MESSAGE_SIZE + "\n  max_recipients: " + MAX_RECIPIENTS + "\n";

    final Vertx vertx;
    final Spool spool;
    final RecordingQueue queue = new RecordingQueue();
    final RecordingEvents events = new RecordingEvents();
    final FakeQueueAdmin admin;
    final AtomicBoolean ready = new AtomicBoolean(true);
    final HermodConfig config;
    final HttpApi httpApi;
    /** The API's budget for mail in progress, of {@code smtp.max_buffered_bytes}. */
    final io.hermod.spool.MemoryBudget memory;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ApiHarness(Path spoolDir, String extraYaml, boolean withMetrics) throws Exception {
        config = ConfigLoader.parse(BASE_CONFIG + extraYaml, Map.of());
        vertx = Vertx.vertx();
        spool = Spool.open(spoolDir);
        admin = new FakeQueueAdmin(vertx.getOrCreateContext());
        ApiServices services = new ApiServices(config, spool, queue, admin, events,
                withMetrics ? ctx -> ctx.response().putHeader("content-type", "text/plain")
                        .end("hermod_test_metric 1\n") : null,
                ready::get);
        memory = services.memory();
        httpApi = new HttpApi(vertx, services);
        server = await(httpApi.listen("127.0.0.1", 0));
    }

    static ApiHarness start(Path spoolDir) throws Exception {
        return new ApiHarness(spoolDir, "", true);
    }

    /** @param extraYaml more top-level YAML keys, e.g. {@code "http:\n  token: s3cret\n"} */
    static ApiHarness start(Path spoolDir, String extraYaml, boolean withMetrics) throws Exception {
        return new ApiHarness(spoolDir, extraYaml, withMetrics);
    }

    int port() {
        return server.actualPort();
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !Arrays.asList(headers).contains("content-type")) {
            request.header("content-type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    HttpResponse<String> post(String path, JsonObject body, String... headers) throws Exception {
        return send("POST", path, body.encode(), headers);
    }

    static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }

    /** The envelope of an accepted message, as stored. */
    Envelope stored(HttpResponse<String> accepted) {
        return spool.envelope(MessageId.parse(json(accepted).getString("id"))).orElseThrow();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            httpApi.close();
            await(vertx.close());
        } finally {
            spool.close();
        }
    }
}

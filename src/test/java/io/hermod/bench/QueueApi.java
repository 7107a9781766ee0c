package io.hermod.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** The parts of Hermod's HTTP API that {@link QueueScale} reads and calls: queue totals and flush. */
final class QueueApi {

    /**
     * The totals of {@code GET /api/v1/queues}. {@code recovered} is the top-level flag the streaming
     * recovery (issue 11) adds; a server without it counts as recovered once it answers.
     */
    record Totals(boolean recovered, boolean hasRecoveredFlag, long ready, long scheduled, long inFlight, long messages,
                  int domains) {

        long deliveries() {
            return ready + scheduled + inFlight;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    QueueApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The totals, or null while the API does not answer (not listening yet). */
    Totals totalsOrNull() throws InterruptedException {
        try {
            return totals();
        } catch (IOException e) {
            return null;
        }
    }

    Totals totals() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/queues"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /api/v1/queues: " + r.statusCode() + " " + abbreviate(r.body()));
        }
        JsonObject body = new JsonObject(r.body());
        JsonObject totals = body.getJsonObject("totals");
        if (totals == null) {
            throw new BenchFailure("GET /api/v1/queues: no \"totals\" in " + abbreviate(r.body()));
        }
        Object flag = body.getValue("recovered");
        return new Totals(!(flag instanceof Boolean b) || b, flag instanceof Boolean,
                totals.getLong("ready", 0L), totals.getLong("scheduled", 0L), totals.getLong("in_flight", 0L),
                totals.getLong("messages", 0L), body.getJsonArray("domains") == null ? -1 : body.getJsonArray("domains").size());
    }

    /**
     * {@code POST /api/v1/queues/{domain}/flush} for every domain, {@code parallel} requests at a
     * time; returns the sum of the "flushed" counts.
     */
    long flushAll(List<String> domains, int parallel) throws InterruptedException {
        Semaphore slots = new Semaphore(parallel);
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (String domain : domains) {
            slots.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/queues/" + domain + "/flush"))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build();
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
                slots.release();
                if (e != null) {
                    throw new BenchFailure("flush " + domain + ": " + e.getMessage(), e);
                }
                if (r.statusCode() != 200) {
                    throw new BenchFailure("flush " + domain + ": " + r.statusCode() + " " + abbreviate(r.body()));
                }
                return new JsonObject(r.body()).getLong("flushed", 0L);
            }));
        }
        long flushed = 0;
        for (CompletableFuture<Long> call : calls) {
            flushed += call.join();
        }
        return flushed;
    }

    /** {@code POST /api/v1/sites/{site}/resume} for every site of {@code GET /api/v1/sites}; returns their keys. */
    List<String> resumeAllSites() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sites"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchFailure("GET /api/v1/sites: " + r.statusCode() + " " + abbreviate(r.body()));
        }
        List<String> keys = new ArrayList<>();
        for (Object site : new JsonObject(r.body()).getJsonArray("sites")) {
            String key = ((JsonObject) site).getString("site");
            HttpResponse<String> resumed = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sites/"
                            + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/resume"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resumed.statusCode() != 200) {
                throw new BenchFailure("resume site " + key + ": " + resumed.statusCode() + " " + abbreviate(resumed.body()));
            }
            keys.add(key);
        }
        return keys;
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}

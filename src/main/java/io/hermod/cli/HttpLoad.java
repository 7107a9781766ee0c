package io.hermod.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP load: {@code concurrency} threads, each posting batches to {@code /api/v1/inject} (one
 * raw template of about {@code size} octets, {@code batch} recipients each) until the messages or
 * the time run out. A message is a recipient the answer counts in {@code success_count}; the
 * latency is that of the whole request.
 */
final class HttpLoad {

    record Plan(String url, String token, int concurrency, long messages, long deadlineNanos, int size, int batch,
                SmtpLoad.Recipients to, String sender) {
    }

    private final Plan plan;
    private final LoadStats stats;
    private final AtomicLong remaining;
    private final String template;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    HttpLoad(Plan plan, LoadStats stats) {
        this.plan = plan;
        this.stats = stats;
        this.remaining = new AtomicLong(plan.messages() == 0 ? Long.MAX_VALUE : plan.messages());
        this.template = "From: <" + plan.sender() + ">\r\nTo: <{{email}}>\r\nSubject: hermod bench {{n}}\r\n\r\n"
                + SmtpLoad.body(plan.size()).toString("US-ASCII").replaceFirst("\\.\r\n$", "");
    }

    /** Runs to the end; blocking. */
    void run() throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(plan.concurrency());
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < plan.concurrency(); i++) {
            all.add(threads.submit(this::loop));
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                stats.error(String.valueOf(e.getCause()));
            }
        }
        threads.shutdown();
    }

    private void loop() {
        while (true) {
            int n = take();
            if (n == 0) {
                return;
            }
            JsonArray recipients = new JsonArray();
            for (int i = 0; i < n; i++) {
                recipients.add(new JsonObject().put("email", plan.to().next())
                        .put("substitutions", new JsonObject().put("n", i)));
            }
            String body = new JsonObject().put("envelope_sender", plan.sender()).put("recipients", recipients)
                    .put("content", template).encode();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plan.url() + "/api/v1/inject"))
                    .timeout(Duration.ofMinutes(5)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (plan.token() != null) {
                request.header("Authorization", "Bearer " + plan.token());
            }
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                stats.reply("http", response.statusCode());
                if (response.statusCode() == 200) {
                    int ok = new JsonObject(response.body()).getInteger("success_count", 0);
                    stats.latency(System.nanoTime() - start);
                    stats.accepted.add(ok);
                    stats.acceptedRecipients.add(ok);
                    stats.failed.add(n - ok);
                } else {
                    stats.failed.add(n);
                    stats.error("HTTP " + response.statusCode() + ": " + response.body());
                }
            } catch (IOException e) {
                stats.failed.add(n);
                stats.error("POST " + plan.url() + "/api/v1/inject: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many recipients the next request carries; 0 when done. */
    private int take() {
        if (plan.messages() == 0) {
            return System.nanoTime() < plan.deadlineNanos() ? plan.batch() : 0;
        }
        while (true) {
            long left = remaining.get();
            if (left <= 0) {
                return 0;
            }
            int n = (int) Math.min(plan.batch(), left);
            if (remaining.compareAndSet(left, left - n)) {
                return n;
            }
        }
    }
}

package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedule in the spool under SIGKILL. Hermod's next hop refuses connections and retries come
 * every 1–2 s, with a window of 16 deliveries per domain, so slots are moved and read back all the
 * time; the child JVM is killed while that goes on, while the start-up scan runs, and while reads
 * and moves run again. Each restart must count exactly what was accepted; at the end the next hop
 * comes up and every accepted recipient must arrive, none lost.
 */
class ScheduleCrashIT {

    private static final int SESSIONS = 4;
    private static final int PER_SESSION = 500;
    private static final int DOMAINS = 100;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private Path config(String route) throws Exception {
        Path config = dir.resolve("hermod-" + route.replace(':', '-') + ".yaml");
        Files.writeString(config, TestHermod.baseYaml(dir, "schedule.hermod.test") + """
                delivery:
                  routes: {"*": "%s"}
                queue:
                  retry: {initial: 1s, max: 2s}
                  max_ready: 16
                """.formatted(route));
        return config;
    }

    @Test
    void sigkillWhileSlotsAreMovedAndRead_countsStayExact_andEveryRecipientArrives() throws Exception {
        Path down = config("127.0.0.1:1");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try (HermodProcess hermod = HermodProcess.start(down, Map.of()).awaitListening()) {
            send(hermod.smtpPort(), accepted);
            Thread.sleep(1500); // deferrals and reads of the schedule under way
            hermod.kill();
        }
        assertThat(accepted).hasSize(SESSIONS * PER_SESSION);

        // killed as soon as it listens: the start-up scan and the first reads are running
        try (HermodProcess hermod = HermodProcess.start(down, Map.of()).awaitListening()) {
            hermod.kill();
        }
        for (int round = 0; round < 2; round++) {
            try (HermodProcess hermod = HermodProcess.start(down, Map.of()).awaitListening()) {
                awaitExactCounts(hermod, accepted.size());
                Thread.sleep(1000 + 700L * round);
                hermod.kill();
            }
        }

        try (TestSink sink = TestSink.start(true)) {
            Path up = config("127.0.0.1:" + sink.port());
            try (HermodProcess hermod = HermodProcess.start(up, Map.of()).awaitListening()) {
                Await.until(() -> Set.copyOf(sink.deliveredRecipients()).containsAll(accepted), 180,
                        () -> Set.copyOf(sink.deliveredRecipients()).size() + " of " + accepted.size() + " delivered");
                Await.until(() -> queue(hermod).getJsonObject("totals").getInteger("messages") == 0, 60,
                        () -> "the spool still holds " + queue(hermod).getJsonObject("totals"));
                hermod.kill();
            }
            List<String> delivered = sink.deliveredRecipients();
            Map<String, Integer> times = new HashMap<>();
            delivered.forEach(r -> times.merge(r, 1, Integer::sum));
            assertThat(times.keySet()).isEqualTo(accepted);
            // nothing was delivered before the last start, and nothing was in flight at a kill since
            assertThat(times.values()).as("deliveries per recipient").containsOnly(1);
        }
    }

    /** The start-up scan is done and every accepted delivery is counted once: in memory or stored. */
    private void awaitExactCounts(HermodProcess hermod, int expected) throws Exception {
        Await.until(() -> {
            JsonObject q = queue(hermod);
            JsonObject t = q.getJsonObject("totals");
            return q.getBoolean("recovered") && t.getInteger("messages") == expected
                    && t.getInteger("ready") + t.getInteger("scheduled") + t.getInteger("in_flight") == expected;
        }, 60, () -> "queue after restart: " + queue(hermod).encode());
        JsonObject q = queue(hermod);
        int perDomain = 0;
        for (Object d : q.getJsonArray("domains")) {
            JsonObject domain = (JsonObject) d;
            perDomain += domain.getInteger("ready") + domain.getInteger("scheduled") + domain.getInteger("in_flight");
        }
        assertThat(perDomain).isEqualTo(expected);
        assertThat(q.getJsonArray("domains")).hasSize(DOMAINS);
    }

    private JsonObject queue(HermodProcess hermod) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hermod.httpPort()
                    + "/api/v1/queues")).build(), HttpResponse.BodyHandlers.ofString());
            return new JsonObject(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(int port, Set<String> accepted) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        AtomicInteger counter = new AtomicInteger();
        try {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < SESSIONS; c++) {
                clients.add(pool.submit(() -> {
                    try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
                        SmtpTestClient.expect(client.greeting(), 220);
                        SmtpTestClient.expect(client.command("EHLO crash-client.test"), 250);
                        for (int i = 0; i < PER_SESSION; i++) {
                            int n = counter.incrementAndGet();
                            String rcpt = "r" + n + "@d" + (n % DOMAINS) + ".test";
                            String data = "Subject: " + n + "\r\n\r\nbody " + n + "\r\n.\r\n";
                            SmtpTestClient.expect(client.sendMail("sender@example.com", List.of(rcpt),
                                    data.getBytes(StandardCharsets.US_ASCII)), 250);
                            accepted.add(rcpt);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

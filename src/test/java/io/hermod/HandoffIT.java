package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.ConfigLoader;
import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.spool.Spool;
import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queue hand-off (issue 14, item 3): A, a child JVM whose every route is dead, holds 10,000 queued
 * messages plus a few deferred for an hour; SIGTERM with {@code cluster.handoff_to} starts moving
 * them to B (in-process, routed to a sink). A is SIGKILLed in the middle of the transfer, started
 * again and sent SIGTERM again, so it hands over the rest and exits. Then B delivers every accepted
 * recipient (duplicates counted, none lost), and the messages deferred for an hour are still
 * deferred on B (same attempts, same due time), not sent at once.
 */
class HandoffIT {

    static final String TOKEN = "cluster-secret";
    static final int BULK = 10_000;
    static final int LATER = 5;
    static final int CONNECTIONS = 8;
    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) messages");
    private static final Pattern DONE = Pattern.compile(
            "handoff: done: (\\d+) messages moved to \\S+ in (\\d+) ms \\((\\d+) messages/s\\)");

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void tenThousandQueued_sigkillMidTransfer_secondHandoffMovesTheRest_noneLost_dueTimesKept() throws Exception {
        try (TestSink sink = TestSink.start(true); TestSink tempfailing = TestSink.start(true)) {
            Hermod b = Hermod.start(ConfigLoader.parse(yaml(dir.resolve("b"), "b.hermod.test")
                    + "delivery:\n  routes: {\"*\": \"127.0.0.1:" + sink.port() + "\"}\n", Map.of()));
            try {
                Path configA = dir.resolve("a.yaml");
                Files.writeString(configA, yaml(dir.resolve("a"), "a.hermod.test") + """
                        delivery:
                          routes: {"*": "127.0.0.1:1", "later.test": "127.0.0.1:%d"}
                        queue:
                          retry: {initial: 1h}
                        shutdown:
                          grace: 5s
                        cluster:
                          handoff_to: "http://127.0.0.1:%d"
                        """.formatted(tempfailing.port(), b.httpPort()));
                run(configA, b, sink);
            } finally {
                b.close();
            }
        }
    }

    private void run(Path configA, Hermod b, TestSink sink) throws Exception {
        Map<String, String> later = new HashMap<>(); // A's id -> recipient
        Map<String, JsonObject> laterOnA = new HashMap<>(); // recipient -> its view on A before the hand-off
        int recoveredByA;
        List<String> handoffLines = new ArrayList<>();
        try (HermodProcess a = HermodProcess.start(configA, Map.of()).awaitListening()) {
            for (int i = 0; i < LATER; i++) {
                later.putAll(send(a.smtpPort(), "tempfail-later", "later.test", i, 1));
            }
            // Their first attempt gets a 451 and defers them for an hour.
            for (String id : later.keySet()) {
                Await.until(() -> attempts(a.httpPort(), id) >= 1, 30, () -> "first attempt of " + id);
                JsonObject r = recipientView(a.httpPort(), id);
                laterOnA.put(r.getString("address"), r);
            }
            long filling = System.nanoTime();
            sendConcurrently(a.smtpPort());
            System.out.printf("HANDOFF-IT filled A with %d messages in %d ms%n", BULK,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - filling));

            a.sigterm(); // SIGTERM: intake stops, the hand-off to B starts
            // B delivers at once what A never tried, so count what it holds and what it delivered.
            Await.until(() -> b.queue().messages() + sink.received().size() >= BULK / 4, 60,
                    () -> "B holds " + b.queue().messages() + ", delivered " + sink.received().size());
            a.kill();      // SIGKILL in the middle of the transfer
            handoffLines.addAll(handoffLines(a));
        }
        int atKill = b.queue().messages() + sink.received().size();
        try (HermodProcess again = HermodProcess.start(configA, Map.of()).awaitListening()) {
            Matcher m = again.awaitLine(RECOVERED, 30);
            recoveredByA = Integer.parseInt(m.group(1));
            again.sigterm();
            Matcher done = again.awaitLine(DONE, 120);
            System.out.printf("HANDOFF-IT second hand-off: %s messages in %s ms (%s messages/s)%n", done.group(1),
                    done.group(2), done.group(3));
            assertThat(Integer.parseInt(done.group(1))).isEqualTo(recoveredByA);
            assertThat(again.waitForExit(120)).as(again.output()).isZero();
            handoffLines.addAll(handoffLines(again));
        }
        handoffLines.forEach(line -> System.out.println("HANDOFF-IT A: " + line));
        System.out.printf("HANDOFF-IT B held or had delivered %d messages at the SIGKILL; A recovered %d after it%n", atKill,
                recoveredByA);
        assertThat(recoveredByA).as("A was killed in the middle of the transfer").isBetween(1, BULK + LATER - 1);

        try (Spool spoolA = Spool.open(dir.resolve("a").resolve("spool"))) {
            assertThat(spoolA.envelopes()).as("A's spool after the hand-off").isEmpty();
        }

        // B has every message (A's spool is empty); those A had tried are deferred for an hour, so
        // make bulk.test due now. later.test stays as it was.
        HttpResponse<String> flush = call(b.httpPort(), "POST", "/api/v1/queues/bulk.test/flush");
        assertThat(flush.statusCode()).as(flush.body()).isEqualTo(200);
        Await.until(() -> sink.deliveredRecipients().stream().distinct().count() >= BULK, 60,
                () -> "delivered " + sink.deliveredRecipients().stream().distinct().count());

        List<String> delivered = sink.deliveredRecipients();
        Map<String, Long> counts = delivered.stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
        for (int i = 0; i < BULK; i++) {
            assertThat(counts).containsKey("bulk" + i + "@bulk.test");
        }
        long duplicates = delivered.size() - counts.size();
        System.out.printf("HANDOFF-IT delivered %d recipients, %d distinct, %d duplicates%n", delivered.size(),
                counts.size(), duplicates);
        assertThat(counts.keySet()).noneMatch(r -> r.endsWith("@later.test"));
        assertThat(sink.reads().toString()).as("B never tried the hour-deferred messages").doesNotContain("later.test");

        // The hour-deferred messages kept their attempts, due time, last result and category on B.
        List<Envelope> onB = b.spool().envelopes().stream()
                .filter(e -> e.recipients().get(0).domain().equals("later.test")).toList();
        assertThat(onB).hasSize(LATER);
        for (Envelope e : onB) {
            Recipient r = e.recipients().get(0);
            assertThat(r.nextAttemptMillis()).as(r.toString()).isGreaterThan(System.currentTimeMillis());
            JsonObject before = laterOnA.get(r.address());
            assertThat(before).as(r.address()).isNotNull();
            assertThat(recipientView(b.httpPort(), e.id().toString())).isEqualTo(before);
        }
    }

    private static List<String> handoffLines(HermodProcess process) {
        List<String> out = new ArrayList<>();
        List<String> all = new ArrayList<>(process.stderr());
        all.addAll(process.stdout());
        for (String line : all) {
            if (line.contains("handoff") || line.contains("shutdown") || line.contains("recovered")) {
                out.add(line);
            }
        }
        return out;
    }

    static String yaml(Path dir, String hostname) {
        return """
                hostname: %s
                smtp:
                  listen: ["127.0.0.1:0"]
                http:
                  listen: "127.0.0.1:0"
                  token: %s
                spool:
                  path: "%s"
                log:
                  events: "%s"
                """.formatted(hostname, TOKEN, dir.resolve("spool"), dir.resolve("events.log"));
    }

    private HttpResponse<String> call(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject recipientView(int port, String id) throws Exception {
        HttpResponse<String> view = call(port, "GET", "/api/v1/messages/" + id);
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        return new JsonObject(view.body()).getJsonArray("recipients").getJsonObject(0);
    }

    private int attempts(int port, String id) {
        try {
            HttpResponse<String> view = call(port, "GET", "/api/v1/messages/" + id);
            return new JsonObject(view.body()).getJsonArray("recipients").getJsonObject(0).getInteger("attempts");
        } catch (Exception e) {
            return -1;
        }
    }

    /** Messages {@code from}..{@code from + count} to {@code <local><i>@<domain>}, one connection; id -> recipient. */
    private static Map<String, String> send(int port, String local, String domain, int from, int count)
            throws Exception {
        Map<String, String> ids = new HashMap<>();
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
            SmtpTestClient.expect(client.greeting(), 220);
            SmtpTestClient.expect(client.command("EHLO handoff-client.test"), 250);
            for (int i = from; i < from + count; i++) {
                String rcpt = local + i + "@" + domain;
                String data = "Subject: " + rcpt + "\r\n\r\nmessage for " + rcpt + "\r\n.\r\n";
                SmtpTestClient.Response reply = client.sendMail("sender@example.com", List.of(rcpt),
                        data.getBytes(StandardCharsets.UTF_8));
                SmtpTestClient.expect(reply, 250);
                ids.put(reply.queueId(), rcpt);
            }
        }
        return ids;
    }

    private static void sendConcurrently(int port) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        AtomicInteger sent = new AtomicInteger();
        try {
            List<Future<Map<String, String>>> clients = new ArrayList<>();
            int each = BULK / CONNECTIONS;
            for (int c = 0; c < CONNECTIONS; c++) {
                int from = c * each;
                clients.add(pool.submit(() -> send(port, "bulk", "bulk.test", from, each)));
            }
            for (Future<Map<String, String>> client : clients) {
                sent.addAndGet(client.get(300, TimeUnit.SECONDS).size());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sent.get()).isEqualTo(BULK);
    }
}

package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.Spool;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract 1: a 250 means the message is on disk. Hermod runs in a child JVM, is killed with
 * SIGKILL (no shutdown hook, no flush), started again on the same spool, and must hand back every
 * message it acknowledged, byte for byte.
 */
class SpoolDurabilityIT {

    private static final Pattern RECOVERED = Pattern.compile("recovered (\\d+) messages");
    private static final int CONNECTIONS = 10;

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, TestHermod.baseYaml(dir, "durable.hermod.test") + TestHermod.HOLD_ALL);
        return config;
    }

    @Test
    void sigkillRightAfterTheLast250_restartFindsEveryMessage() throws Exception {
        Path config = config();
        Map<String, String> accepted = new ConcurrentHashMap<>();
        try (HermodProcess hermod = HermodProcess.start(config, Map.of()).awaitListening()) {
            sendConcurrently(hermod.smtpPort(), 30, accepted, null);
            hermod.kill();
        }
        assertThat(accepted).hasSize(CONNECTIONS * 30);
        assertRecovered(config, accepted, accepted.size());
    }

    @Test
    void sigkillWhileClientsAreSending_everyAcknowledgedMessageSurvives() throws Exception {
        Path config = config();
        Map<String, String> accepted = new ConcurrentHashMap<>();
        try (HermodProcess hermod = HermodProcess.start(config, Map.of()).awaitListening()) {
            CountDownLatch halfway = new CountDownLatch(CONNECTIONS * 20);
            ExecutorService background = Executors.newSingleThreadExecutor();
            Future<?> sending = background.submit(() -> {
                sendConcurrently(hermod.smtpPort(), 1_000, accepted, halfway);
                return null;
            });
            assertThat(halfway.await(120, TimeUnit.SECONDS)).isTrue();
            hermod.kill();
            try {
                sending.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // the clients lose their connections: that is the point
            }
            background.shutdownNow();
        }
        assertThat(accepted.size()).isGreaterThanOrEqualTo(CONNECTIONS * 20);
        assertRecovered(config, accepted, -1);
    }

    /** Restarts Hermod on the spool, then reads the spool itself: every accepted message, exact bytes. */
    private void assertRecovered(Path config, Map<String, String> accepted, int exactly) throws Exception {
        try (HermodProcess again = HermodProcess.start(config, Map.of()).awaitListening()) {
            Matcher m = again.awaitLine(RECOVERED, 30);
            int recovered = Integer.parseInt(m.group(1));
            if (exactly >= 0) {
                assertThat(recovered).isEqualTo(exactly);
            } else {
                assertThat(recovered).isGreaterThanOrEqualTo(accepted.size());
            }
            again.kill();
        }
        Map<String, Envelope> byId = new HashMap<>();
        try (Spool spool = Spool.open(dir.resolve("spool"))) {
            spool.recover(e -> byId.put(e.id().toString(), e));
            assertThat(byId.keySet()).containsAll(accepted.keySet());
            for (Map.Entry<String, String> entry : accepted.entrySet()) {
                Envelope envelope = byId.get(entry.getKey());
                String stored = new String(spool.body(envelope), StandardCharsets.UTF_8);
                assertThat(stored).startsWith("Received: from durable-client.test ([127.0.0.1])");
                assertThat(stored).endsWith("\r\n\r\n" + body(entry.getValue()));
                assertThat(envelope.recipients().get(0).address()).isEqualTo(entry.getValue() + "@example.net");
            }
        }
    }

    private static String body(String marker) {
        return "message " + marker + "\r\n" + ("x".repeat(76) + "\r\n").repeat(20);
    }

    /** CONNECTIONS clients, each sending up to {@code perConnection} messages; records id → marker. */
    private static void sendConcurrently(int port, int perConnection, Map<String, String> accepted,
                                         CountDownLatch progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        AtomicInteger counter = new AtomicInteger();
        try {
            List<Future<Void>> clients = new java.util.ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                clients.add(pool.submit(() -> {
                    try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
                        SmtpTestClient.expect(client.greeting(), 220);
                        SmtpTestClient.expect(client.command("EHLO durable-client.test"), 250);
                        for (int i = 0; i < perConnection; i++) {
                            String marker = "m" + counter.incrementAndGet();
                            String data = "Subject: " + marker + "\r\n\r\n" + body(marker) + ".\r\n";
                            SmtpTestClient.Response reply = client.sendMail("sender@example.com",
                                    List.of(marker + "@example.net"), data.getBytes(StandardCharsets.UTF_8));
                            SmtpTestClient.expect(reply, 250);
                            accepted.put(reply.queueId(), marker);
                            if (progress != null) {
                                progress.countDown();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> client : clients) {
                client.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

}

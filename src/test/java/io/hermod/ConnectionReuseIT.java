package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1000 messages to one domain go over at most {@code delivery.max_connections_per_destination}
 * connections, reused message after message, and a connection carries at most
 * {@code delivery.max_messages_per_connection} messages.
 */
class ConnectionReuseIT {

    @TempDir
    Path dir;

    @Test
    void thousandMessagesToOneDomain_useAtMostTheCap_andReuseConnections() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                      max_connections_per_destination: 3
                    """);
            try {
                send(hermod.smtpPort(), 1000);
                Await.until(() -> sink.received().size() == 1000, 120, () -> sink.received().size() + " received");
                assertThat(sink.maxConcurrentConnections()).isLessThanOrEqualTo(3);
                assertThat(sink.connections()).isLessThanOrEqualTo(3);
                assertThat(sink.received()).extracting(TestSink.Received::connection).containsOnly(
                        sink.received().stream().map(TestSink.Received::connection).distinct().toArray(Integer[]::new));
                Await.until(() -> hermod.queue().messages() == 0, 30, () -> hermod.queue().messages() + " open");
            } finally {
                hermod.close();
            }
        }
    }

    @Test
    void maxMessagesPerConnection_opensANewConnectionAfterTheLimit() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), """
                    delivery:
                      routes: {"*": "SINK"}
                      max_connections_per_destination: 2
                      max_messages_per_connection: 50
                    """);
            try {
                send(hermod.smtpPort(), 300);
                Await.until(() -> sink.received().size() == 300, 120, () -> sink.received().size() + " received");
                assertThat(sink.maxConcurrentConnections()).isLessThanOrEqualTo(2);
                assertThat(sink.connections()).isGreaterThanOrEqualTo(6);
                java.util.Map<Integer, Long> perConnection = new java.util.HashMap<>();
                for (TestSink.Received r : sink.received()) {
                    perConnection.merge(r.connection(), 1L, Long::sum);
                }
                assertThat(perConnection.values()).allMatch(n -> n <= 50);
            } finally {
                hermod.close();
            }
        }
    }

    /** Five clients send {@code count} messages to recipients at one domain. */
    static void send(int port, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 5; c++) {
                int first = c * (count / 5);
                clients.add(pool.submit(() -> {
                    try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
                        client.greeting();
                        client.command("EHLO client.test");
                        for (int i = first; i < first + count / 5; i++) {
                            byte[] data = ("Subject: " + i + "\r\n\r\nmessage " + i + "\r\n.\r\n")
                                    .getBytes(StandardCharsets.US_ASCII);
                            SmtpTestClient.expect(client.sendMail("sender@example.com", List.of("r" + i + "@one.test"), data), 250);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : clients) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code connection_limit: 3} for a site that eight domains share, spread over four shards, all
 * with slow mail waiting at once: the sink, which counts its own connections, never sees more than
 * three at a time, even when it closes a connection only a moment after its 221 to QUIT, and
 * every message arrives.
 */
class ShapingConnectionLimitIT {

    @TempDir
    Path dir;

    @Test
    void connectionLimitOfThree_isNeverExceeded_withFourShardsBusy() throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, "default: {connection_limit: 3, max_deliveries_per_connection: 5}\n");
        try (TestSink sink = TestSink.start(true)) {
            // A server that closes a moment after its 221: the connection counts until it has gone,
            // so a replacement opened on the 221 alone would be a fourth.
            sink.closeAfterQuit(200);
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "queue:\n  shards: 4\nshaping:\n  path: \"" + shaping + "\"\n");
            try {
                List<String> recipients = new ArrayList<>();
                try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                    client.greeting();
                    client.command("EHLO client.test");
                    byte[] data = "Subject: limit\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 60; i++) {
                        String rcpt = "slow-" + i + "@d" + (i % 8) + ".test";
                        recipients.add(rcpt);
                        SmtpTestClient.expect(client.sendMail("sender@example.com", new ArrayList<>(List.of(rcpt)),
                                data), 250);
                    }
                }
                Await.until(() -> sink.deliveredRecipients().size() == recipients.size(), 60,
                        () -> sink.deliveredRecipients().size() + " delivered");

                assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrderElementsOf(recipients);
                assertThat(sink.maxConcurrentConnections()).isEqualTo(3);
            } finally {
                hermod.close();
            }
        }
    }
}

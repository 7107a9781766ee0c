package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract 2: SIGKILL while deliveries are in flight, start again on the same spool, and every
 * accepted recipient reaches the next hop at least once.
 */
class DeliveryCrashIT {

    private static final int MESSAGES = 40;

    @TempDir
    Path dir;

    @Test
    void sigkillDuringDelivery_restart_everyRecipientArrivesAtLeastOnce() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Path config = dir.resolve("hermod.yaml");
            Files.writeString(config, TestHermod.baseYaml(dir, "crash.hermod.test") + """
                    delivery:
                      routes: {"*": "127.0.0.1:%d"}
                      max_connections_per_destination: 2
                    queue:
                      retry: {initial: 1s, max: 2s}
                    """.formatted(sink.port()));
            Set<String> accepted = new HashSet<>();
            try (HermodProcess hermod = HermodProcess.start(config, Map.of()).awaitListening()) {
                try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                    client.greeting();
                    client.command("EHLO client.test");
                    for (int i = 0; i < MESSAGES; i++) {
                        // slow- recipients keep each delivery in flight for a while
                        String rcpt = "slow-" + i + "@crash.test";
                        SmtpTestClient.expect(client.sendMail("sender@example.com", List.of(rcpt),
                                ("Subject: " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)), 250);
                        accepted.add(rcpt);
                    }
                }
                Await.until(() -> sink.received().size() >= 3, 60, () -> sink.received().size() + " received");
                hermod.kill();
            }
            int beforeRestart = new HashSet<>(sink.deliveredRecipients()).size();
            assertThat(beforeRestart).isLessThan(MESSAGES);

            try (HermodProcess again = HermodProcess.start(config, Map.of()).awaitListening()) {
                Await.until(() -> new HashSet<>(sink.deliveredRecipients()).containsAll(accepted), 120,
                        () -> new HashSet<>(sink.deliveredRecipients()).size() + " of " + MESSAGES + " delivered");
                again.kill();
            }
            assertThat(new HashSet<>(sink.deliveredRecipients())).isEqualTo(accepted);
        }
    }
}

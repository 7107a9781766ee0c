package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hermod.support.Await;
import io.hermod.support.HermodProcess;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import java.net.Socket;
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
 * SIGTERM in the middle of a client's transaction and while deliveries are in flight: the
 * transaction completes (250, then 421), an idle session gets 421 4.3.2, the listener stops
 * accepting, the process exits 0 within the grace, and after a restart every accepted recipient
 * reaches the next hop.
 */
class DrainIT {

    @TempDir
    Path dir;

    @Test
    void sigterm_midTransaction_completesIt_exits0_andRestartDeliversEverything() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Path config = dir.resolve("hermod.yaml");
            Files.writeString(config, TestHermod.baseYaml(dir, "drain.hermod.test") + """
                    delivery:
                      routes: {"*": "127.0.0.1:%d"}
                      max_connections_per_destination: 1
                    queue:
                      retry: {initial: 1s, max: 2s}
                    shutdown:
                      grace: 10s
                    """.formatted(sink.port()));
            Set<String> accepted = new HashSet<>();
            try (HermodProcess hermod = HermodProcess.start(config, Map.of()).awaitListening()) {
                int port = hermod.smtpPort();
                // deliveries that take a while each (slow- recipients), over one connection
                try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
                    client.greeting();
                    client.command("EHLO client.test");
                    for (int i = 0; i < 10; i++) {
                        String rcpt = "slow-" + i + "@drain.test";
                        SmtpTestClient.expect(client.sendMail("sender@example.com", List.of(rcpt),
                                ("Subject: " + i + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)), 250);
                        accepted.add(rcpt);
                    }
                }
                Await.until(() -> sink.received().size() >= 1, 30, () -> "nothing delivered yet");

                SmtpTestClient inTransaction = new SmtpTestClient("127.0.0.1", port);
                SmtpTestClient idle = new SmtpTestClient("127.0.0.1", port);
                try (inTransaction; idle) {
                    inTransaction.greeting();
                    inTransaction.command("EHLO client.test");
                    SmtpTestClient.expect(inTransaction.command("MAIL FROM:<sender@example.com>"), 250);
                    SmtpTestClient.expect(inTransaction.command("RCPT TO:<late@drain.test>"), 250);
                    SmtpTestClient.expect(inTransaction.command("DATA"), 354);
                    inTransaction.send("Subject: late\r\n\r\nfirst half\r\n");
                    idle.greeting();
                    idle.command("EHLO idle.test");

                    hermod.terminate(); // SIGTERM

                    SmtpTestClient.Response shutdown = idle.read();
                    assertThat(shutdown.code()).isEqualTo(421);
                    assertThat(shutdown.text()).startsWith("4.3.2");
                    inTransaction.send("second half\r\n.\r\n");
                    SmtpTestClient.Response queued = inTransaction.read();
                    assertThat(queued.code()).isEqualTo(250);
                    accepted.add("late@drain.test");
                    assertThat(inTransaction.read().code()).isEqualTo(421);
                }
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
                assertThat(hermod.waitForExit(20)).as(hermod.output()).isZero();
            }
            try (HermodProcess again = HermodProcess.start(config, Map.of()).awaitListening()) {
                Await.until(() -> new HashSet<>(sink.deliveredRecipients()).containsAll(accepted), 120,
                        () -> new HashSet<>(sink.deliveredRecipients()).size() + " of " + accepted.size());
                again.kill();
            }
        }
    }
}

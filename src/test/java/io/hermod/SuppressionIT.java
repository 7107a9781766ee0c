package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code suppression.enabled}, the sink's {@code 550 5.1.1} for a {@code reject-} address
 * suppresses it: the next RCPT to it from the same sender domain gets {@code 550 5.7.1}, logged as
 * a Suppressed event, while another sender domain may still send to it.
 */
class SuppressionIT {

    private static final String GONE = "reject-gone@far.test";

    @TempDir
    Path dir;

    @Test
    void invalidRecipientBounce_suppressesTheAddress_andTheNextRcptGets550_571() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "suppression:\n  enabled: true\n");
            try {
                try (SmtpTestClient client = session(hermod)) {
                    SmtpTestClient.expect(client.sendMail("news@origin.test", List.of(GONE),
                            "Subject: first\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250);
                }
                // The bounce comes back from the sink, then the entry is written: ask until RCPT says so.
                String[] reply = new String[1];
                Await.until(() -> (reply[0] = rcpt(hermod, "news@origin.test", GONE)).startsWith("550"), 30,
                        () -> "RCPT still answered " + reply[0]);

                assertThat(reply[0]).isEqualTo("550 5.7.1 <" + GONE + ">: recipient suppressed (invalid-recipient)");
                assertThat(rcpt(hermod, "other@elsewhere.test", GONE)).startsWith("250");
                hermod.events().flush();
                assertThat(events(hermod)).anySatisfy(e -> {
                    assertThat(e.getString("type")).isEqualTo("Suppressed");
                    assertThat(e.getString("recipient")).isEqualTo(GONE);
                    assertThat(e.getString("sender")).isEqualTo("news@origin.test");
                    assertThat(e.getString("detail")).isEqualTo("invalid-recipient");
                });
            } finally {
                hermod.close();
            }
        }
    }

    private static SmtpTestClient session(Hermod hermod) throws IOException {
        SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort());
        client.greeting();
        client.command("EHLO client.test");
        return client;
    }

    /** The reply to RCPT TO:<recipient> in a fresh transaction from {@code sender}, as one line. */
    private static String rcpt(Hermod hermod, String sender, String recipient) {
        try (SmtpTestClient client = session(hermod)) {
            SmtpTestClient.expect(client.command("MAIL FROM:<" + sender + ">"), 250);
            SmtpTestClient.Response r = client.command("RCPT TO:<" + recipient + ">");
            return r.code() + " " + r.text();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private List<JsonObject> events(Hermod hermod) throws IOException {
        return Files.readAllLines(dir.resolve("events.log"), StandardCharsets.UTF_8).stream()
                .map(JsonObject::new).toList();
    }
}

package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.Await;
import io.hermod.support.SmtpTestClient;
import io.hermod.support.TestHermod;
import io.hermod.support.TestSink;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's {@code bounce.rules} changes the category of the next bounce without a restart:
 * the sink's {@code 550 5.1.1 no such user} is invalid-recipient, then inactive-mailbox once a rule
 * saying so is written into the file.
 */
class BounceRulesReloadIT {

    @TempDir
    Path dir;

    @Test
    void changedRulesFile_changesTheNextBouncesCategory_withoutARestart() throws Exception {
        Path rules = dir.resolve("bounce.rules");
        Files.writeString(rules, "# nothing of ours yet\n");
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink()
                    + "bounce:\n  rules: \"" + rules + "\"\n");
            try {
                assertThat(bounceCategory(hermod, "reject-1@far.test")).isEqualTo("invalid-recipient");

                Files.writeString(rules, "inactive-mailbox code=550 status=5.1.1 text=no such user\n");
                // Hermod polls the file every few seconds: bounce one more until the new rule shows.
                long deadline = System.nanoTime() + 30_000_000_000L;
                String category;
                int n = 2;
                do {
                    assertThat(System.nanoTime()).as("the new rule applied within 30 s").isLessThan(deadline);
                    category = bounceCategory(hermod, "reject-" + n++ + "@far.test");
                } while (!category.equals("inactive-mailbox"));
            } finally {
                hermod.close();
            }
        }
    }

    /** Sends to {@code recipient}, whom the sink rejects, and returns its Bounce event's category. */
    private String bounceCategory(Hermod hermod, String recipient) throws Exception {
        send(hermod.smtpPort(), recipient);
        String[] found = new String[1];
        Await.until(() -> (found[0] = category(hermod, recipient)) != null, 30, () -> "no Bounce for " + recipient);
        return found[0];
    }

    private String category(Hermod hermod, String recipient) {
        hermod.events().flush();
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("events.log"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return null;
        }
        for (String line : lines) {
            JsonObject event = new JsonObject(line);
            if ("Bounce".equals(event.getString("type")) && recipient.equals(event.getString("recipient"))) {
                return event.getString("category");
            }
        }
        return null;
    }

    private static void send(int port, String recipient) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", port)) {
            client.greeting();
            client.command("EHLO client.test");
            SmtpTestClient.expect(client.sendMail("sender@origin.test", List.of(recipient),
                    "Subject: rules\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250);
        }
    }
}

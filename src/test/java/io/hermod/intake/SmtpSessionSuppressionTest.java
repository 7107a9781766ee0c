package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Recipient;
import io.hermod.spool.SpoolException;
import io.hermod.spool.Suppression;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A suppressed recipient is refused at RCPT with 550 5.7.1 and reported; the others go on. */
class SmtpSessionSuppressionTest {

    private static final Suppression GONE =
            new Suppression("example.com", "gone@example.org", "invalid-recipient", 1L, 0L);

    private final List<String> suppressed = new ArrayList<>();

    private SessionHarness harness() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.suppression = (sender, recipient) ->
                sender.endsWith("@example.com") && recipient.equalsIgnoreCase("gone@example.org")
                        ? Optional.of(GONE) : Optional.empty();
        options.observer = new IntakeObserver() {
            @Override
            public void suppressed(long timeMillis, String sender, String recipient, Suppression entry) {
                suppressed.add(sender + " " + recipient + " " + entry.reason());
            }
        };
        return new SessionHarness(options);
    }

    @Test
    void suppressedRecipient_isRefusedWith550_571_andTheOthersAreDelivered() {
        SessionHarness h = harness();
        h.send("EHLO client.example\r\n");

        assertThat(h.send("MAIL FROM:<alice@example.com>\r\n")).containsExactly("250 2.1.0 Ok");
        assertThat(h.send("RCPT TO:<Gone@example.org>\r\n"))
                .containsExactly("550 5.7.1 <Gone@example.org>: recipient suppressed (invalid-recipient)");
        assertThat(h.send("RCPT TO:<bob@example.org>\r\n")).singleElement().asString().startsWith("250 ");
        h.send("DATA\r\n");
        h.send("Subject: hi\r\n\r\nbody\r\n.\r\n");

        assertThat(h.queue.enqueued).singleElement().satisfies(e ->
                assertThat(e.recipients()).extracting(Recipient::address).containsExactly("bob@example.org"));
        assertThat(suppressed).containsExactly("alice@example.com Gone@example.org invalid-recipient");
    }

    @Test
    void sameRecipient_fromAnotherSendersDomain_isAccepted() {
        SessionHarness h = harness();
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.net>\r\n");

        assertThat(h.send("RCPT TO:<gone@example.org>\r\n")).singleElement().asString().startsWith("250 ");
        assertThat(suppressed).isEmpty();
    }

    @Test
    void unreadableList_is451_andTheRecipientMayBeTriedAgain() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.suppression = (sender, recipient) -> {
            throw new SpoolException("cannot read suppression entry for " + recipient, null);
        };
        SessionHarness h = new SessionHarness(options);
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n");

        assertThat(h.send("RCPT TO:<bob@example.org>\r\n"))
                .containsExactly("451 4.3.0 Error: cannot check the recipient now, try again later");
    }

    @Test
    void onlySuppressedRecipients_leaveNothingForData() {
        SessionHarness h = harness();
        h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<gone@example.org>\r\n");

        assertThat(h.send("DATA\r\n")).singleElement().asString().startsWith("554 ");
        assertThat(h.queue.enqueued).isEmpty();
    }
}

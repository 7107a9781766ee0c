package io.hermod.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Recipient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Mail to an inbound domain is taken from any client at RCPT, consumed at the end of DATA and
 * answered 250 only once consumed; the relayed part of a mixed message is spooled as usual and
 * gets the trace header; nothing is spooled for inbound recipients.
 */
class SmtpSessionInboundTest {

    private final List<InboundMail.Message> consumed = new ArrayList<>();
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();

    private SessionHarness harness(String client, int maxSize) {
        SessionHarness.Options options = new SessionHarness.Options();
        options.client = client;
        options.inbound = new InboundMail() {
            @Override
            public boolean consumes(String domain) {
                return domain.equals("bounces.example.com");
            }

            @Override
            public int maxSize() {
                return maxSize;
            }

            @Override
            public CompletableFuture<Void> consume(Message message) {
                consumed.add(message);
                CompletableFuture<Void> done = new CompletableFuture<>();
                pending.add(done);
                return done;
            }
        };
        options.trace = (id, sender, recipients) ->
                ("X-Hermod-Ref: " + id + " " + recipients + "\r\n").getBytes(StandardCharsets.US_ASCII);
        SessionHarness h = new SessionHarness(options);
        h.send("EHLO mx.remote.example\r\n");
        return h;
    }

    @Test
    void bounceFromAnyClient_isConsumed_notSpooled_and250OnlyOnceConsumed() {
        SessionHarness h = harness("198.51.100.7", 1 << 20); // outside smtp.relay_networks

        assertThat(h.send("MAIL FROM:<>\r\n")).containsExactly("250 2.1.0 Ok");
        assertThat(h.send("RCPT TO:<b-abc@Bounces.Example.com>\r\n")).singleElement().asString().startsWith("250 ");
        assertThat(h.send("RCPT TO:<someone@elsewhere.example>\r\n")).singleElement().asString().startsWith("554 5.7.1");
        h.send("DATA\r\n");
        assertThat(h.send("Subject: Delivery Status Notification\r\n\r\nbody\r\n.\r\n")).isEmpty();

        assertThat(consumed).singleElement().satisfies(m -> {
            assertThat(m.sender()).isEmpty();
            assertThat(m.recipients()).containsExactly("b-abc@Bounces.Example.com");
            assertThat(m.clientAddress()).isEqualTo("198.51.100.7");
            assertThat(m.truncated()).isFalse();
            // The copy starts after Received: and carries no trace header: it is the client's message.
            assertThat(new String(m.bytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("Subject: Delivery Status Notification\r\n\r\nbody\r\n");
        });
        pending.get(0).complete(null);
        assertThat(h.newLines()).containsExactly("250 2.0.0 Ok: consumed as " + SessionHarness.FIRST_ID);
        assertThat(h.store.committed).isEmpty();
        assertThat(h.queue.enqueued).isEmpty();
    }

    @Test
    void consumeFailure_is451_andNothingIsSpooled() {
        SessionHarness h = harness("198.51.100.7", 1 << 20);
        h.send("MAIL FROM:<>\r\n");
        h.send("RCPT TO:<fbl@bounces.example.com>\r\n");
        h.send("DATA\r\n");
        h.send("Subject: x\r\n\r\nbody\r\n.\r\n");

        pending.get(0).completeExceptionally(new IllegalStateException("event log gone"));

        assertThat(h.newLines()).singleElement().asString().startsWith("451 4.3.0");
        assertThat(h.store.committed).isEmpty();
    }

    @Test
    void mixedMessage_consumesTheInboundPart_thenSpoolsTheRest_withTheTraceHeader() {
        SessionHarness h = harness("192.0.2.10", 1 << 20); // a relay client
        h.send("MAIL FROM:<alice@example.com>\r\n");
        h.send("RCPT TO:<bob@example.org>\r\n");
        h.send("RCPT TO:<fbl@bounces.example.com>\r\n");
        h.send("DATA\r\n");
        h.send("Subject: hi\r\n\r\nbody\r\n.\r\n");

        assertThat(h.store.committed).isEmpty(); // not before the inbound part is consumed
        pending.get(0).complete(null);

        assertThat(h.newLines()).containsExactly(SessionHarness.queuedReply(SessionHarness.FIRST_ID));
        assertThat(h.onlyCommitted().recipients()).extracting(Recipient::address).containsExactly("bob@example.org");
        assertThat(h.storedBody()).isEqualTo("X-Hermod-Ref: " + SessionHarness.FIRST_ID
                + " [bob@example.org]\r\nSubject: hi\r\n\r\nbody\r\n");
        assertThat(consumed).singleElement().satisfies(m ->
                assertThat(m.recipients()).containsExactly("fbl@bounces.example.com"));
    }

    @Test
    void relayedOnly_getsTheTraceHeader_andIsNotConsumed() {
        SessionHarness h = harness("192.0.2.10", 1 << 20);
        h.send("MAIL FROM:<alice@example.com>\r\n");
        h.send("RCPT TO:<bob@example.org>\r\n");
        h.send("DATA\r\n");
        h.send("Subject: hi\r\n\r\nbody\r\n.\r\n");

        assertThat(consumed).isEmpty();
        assertThat(h.storedBody()).startsWith("X-Hermod-Ref: ");
    }

    @Test
    void inboundCopy_isBoundedByMaxSize_andSaysItWasCut() {
        SessionHarness h = harness("198.51.100.7", 10);
        h.send("MAIL FROM:<>\r\n");
        h.send("RCPT TO:<fbl@bounces.example.com>\r\n");
        h.send("DATA\r\n");
        h.send("Subject: a longer header\r\n\r\nbody\r\n.\r\n");

        assertThat(consumed).singleElement().satisfies(m -> {
            assertThat(m.bytes()).hasSize(10);
            assertThat(m.truncated()).isTrue();
        });
    }

    @Test
    void longLinesAndNul_refuseRelayedMail_butNotAReportConsumedHere() {
        String longLine = "x".repeat(1200);
        SessionHarness inbound = harness("198.51.100.7", 1 << 20);
        inbound.send("MAIL FROM:<>\r\n");
        inbound.send("RCPT TO:<fbl@bounces.example.com>\r\n");
        inbound.send("DATA\r\n");
        inbound.send("Subject: x\r\n\r\n" + longLine + "\r\nnul\u0000here\r\n.\r\n");
        pending.get(0).complete(null);

        assertThat(inbound.newLines()).singleElement().asString().startsWith("250 2.0.0 Ok: consumed as ");

        SessionHarness mixed = harness("192.0.2.10", 1 << 20);
        mixed.send("MAIL FROM:<alice@example.com>\r\n");
        mixed.send("RCPT TO:<bob@example.org>\r\n");
        mixed.send("RCPT TO:<fbl@bounces.example.com>\r\n");
        mixed.send("DATA\r\n");

        assertThat(mixed.send("Subject: x\r\n\r\n" + longLine + "\r\n.\r\n")).singleElement().asString()
                .startsWith("550 5.6.0");
        assertThat(consumed).hasSize(1); // the refused mixed message was not consumed either
    }

    @Test
    void inboundRecipients_countTowardsMaxRecipients() {
        SessionHarness h = harness("198.51.100.7", 1 << 20); // max_recipients 3 in the harness
        h.send("MAIL FROM:<>\r\n");
        for (int i = 0; i < 3; i++) {
            assertThat(h.send("RCPT TO:<r" + i + "@bounces.example.com>\r\n")).singleElement().asString().startsWith("250");
        }
        assertThat(h.send("RCPT TO:<r3@bounces.example.com>\r\n")).singleElement().asString().startsWith("452 4.5.3");
    }
}

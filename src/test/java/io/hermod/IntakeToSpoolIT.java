package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import io.hermod.spool.Recipient;
import io.hermod.support.RecordingProxy;
import io.hermod.support.TestHermod;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.MailResult;
import io.vertx.ext.mail.StartTLSOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vertx-mail-client, a real SMTP client, sends through a recording proxy to an in-process Hermod:
 * the spool must hold exactly the bytes the client put on the wire (after Hermod's Received
 * header) and exactly the envelope it gave.
 */
class IntakeToSpoolIT {

    @TempDir
    Path dir;

    private Hermod hermod;
    private Vertx vertx;
    private RecordingProxy proxy;
    private MailClient client;

    @BeforeEach
    void start() throws Exception {
        hermod = TestHermod.startWith(dir, "mx.hermod.test", TestHermod.HOLD_ALL);
        vertx = Vertx.vertx();
        proxy = RecordingProxy.start(vertx, "127.0.0.1", hermod.smtpPort());
        client = MailClient.create(vertx, new MailConfig()
                .setHostname("127.0.0.1")
                .setPort(proxy.port())
                .setStarttls(StartTLSOptions.DISABLED)
                .setPipelining(true)
                .setOwnHostname("client.test"));
    }

    @AfterEach
    void stop() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        proxy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hermod.close();
    }

    private MailResult send(MailMessage message) throws Exception {
        return client.sendMail(message).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void oneRecipient_storedBytesEqualWireBytes_afterReceivedHeader() throws Exception {
        MailMessage message = new MailMessage()
                .setFrom("sender@example.com")
                .setTo("rcpt@example.net")
                .setSubject("one recipient")
                .setText("line one\n.line starting with a dot\n..two dots\nlast line\n");
        send(message);

        List<Envelope> held = heldEnvelopes(1);
        Envelope envelope = held.get(0);
        assertThat(envelope.sender()).isEqualTo("sender@example.com");
        assertThat(envelope.recipients()).extracting(Recipient::address).containsExactly("rcpt@example.net");
        assertStoredEqualsWire(List.of(envelope));
        String stored = new String(hermod.spool().body(envelope), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.hermod.test (Hermod) with ESMTP id "
                + envelope.id() + "\r\n\tfor <rcpt@example.net>;");
        assertThat(stored).contains("\r\n.line starting with a dot\r\n..two dots\r\n");
    }

    @Test
    void fiftyRecipientsOverThreeDomains_envelopeHoldsEveryRecipientInOrder() throws Exception {
        List<String> recipients = new ArrayList<>();
        String[] domains = {"alpha.test", "beta.test", "gamma.test"};
        for (int i = 0; i < 50; i++) {
            recipients.add("user" + i + "@" + domains[i % 3]);
        }
        send(new MailMessage()
                .setFrom("bulk@example.com")
                .setTo(recipients)
                .setSubject("fifty")
                .setText("to fifty recipients\n"));

        Envelope envelope = heldEnvelopes(1).get(0);
        assertThat(envelope.recipients()).extracting(Recipient::address).containsExactlyElementsOf(recipients);
        assertThat(envelope.recipients()).extracting(Recipient::domain).containsOnly(domains);
        assertStoredEqualsWire(List.of(envelope));
        // several recipients: the Received header names none of them
        assertThat(new String(hermod.spool().body(envelope), StandardCharsets.UTF_8).split("\r\n\r\n")[0])
                .doesNotContain("for <");
    }

    @Test
    void manyMessagesAndALargeOne_eachStoredExactly() throws Exception {
        byte[] attachment = new byte[900 * 1024];
        new java.util.Random(42).nextBytes(attachment);
        List<io.vertx.core.Future<MailResult>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(client.sendMail(new MailMessage()
                    .setFrom("sender@example.com")
                    .setTo("rcpt" + i + "@example.net")
                    .setSubject("message " + i)
                    .setText("body of message " + i + "\n")));
        }
        sent.add(client.sendMail(new MailMessage()
                .setFrom("sender@example.com")
                .setTo("big@example.net")
                .setSubject("large")
                .setText("see attachment\n")
                .setAttachment(List.of(io.vertx.ext.mail.MailAttachment.create()
                        .setData(io.vertx.core.buffer.Buffer.buffer(attachment))
                        .setName("random.bin")
                        .setContentType("application/octet-stream")))));
        io.vertx.core.Future.all(sent).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);

        List<Envelope> held = heldEnvelopes(21);
        assertStoredEqualsWire(held);
        Envelope big = held.stream()
                .filter(e -> e.recipients().get(0).address().equals("big@example.net")).findFirst().orElseThrow();
        assertThat(big.chunkCount()).isGreaterThan(1);
    }

    private List<Envelope> heldEnvelopes(int expected) {
        List<Envelope> held = new ArrayList<>();
        held.addAll(hermod.spool().envelopes());
        assertThat(held).hasSize(expected);
        assertThat(hermod.queue().messages()).isEqualTo(expected);
        return held;
    }

    /** Each envelope's stored body, minus the Received header, is one of the recorded payloads. */
    private void assertStoredEqualsWire(List<Envelope> envelopes) {
        Map<String, byte[]> wire = new HashMap<>();
        for (byte[] payload : proxy.messages()) {
            wire.put(Arrays.toString(payload), payload);
        }
        assertThat(wire).hasSize(envelopes.size());
        for (Envelope envelope : envelopes) {
            byte[] stored = hermod.spool().body(envelope);
            byte[] withoutReceived = Arrays.copyOfRange(stored, receivedHeaderLength(stored), stored.length);
            assertThat(wire).containsKey(Arrays.toString(withoutReceived));
            assertThat(envelope.bodySize()).isEqualTo(stored.length);
        }
    }

    /** Length of the leading {@code Received:} field, continuation lines included. */
    static int receivedHeaderLength(byte[] stored) {
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("Received: ");
        int end = 0;
        do {
            end = text.indexOf("\r\n", end) + 2;
        } while (text.charAt(end) == '\t' || text.charAt(end) == ' ');
        return end;
    }
}

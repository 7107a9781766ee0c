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
 * RFC 2920 on the way out: MAIL, every RCPT and DATA arrive at the next hop in one packet when it
 * advertises PIPELINING, and one command per packet when it does not; the next queued message's
 * commands follow the previous message's final dot in the same packet (RFC 2920 3.1).
 */
class PipeliningIT {

    @TempDir
    Path dir;

    private static final List<String> RECIPIENTS = List.of("a@pipe.test", "b@pipe.test", "c@pipe.test");

    @Test
    void serverWithPipelining_getsMailRcptsAndDataInOnePacket() throws Exception {
        List<String> packets = deliverOneMessage(true);
        String envelopePacket = packets.stream().filter(p -> p.startsWith("MAIL FROM:")).findFirst().orElseThrow();
        assertThat(envelopePacket).isEqualTo("MAIL FROM:<sender@example.com> SIZE=" + sizeOf(packets) + "\r\n"
                + "RCPT TO:<a@pipe.test>\r\nRCPT TO:<b@pipe.test>\r\nRCPT TO:<c@pipe.test>\r\nDATA\r\n");
    }

    @Test
    void serverWithoutPipelining_getsOneCommandPerPacket() throws Exception {
        List<String> packets = deliverOneMessage(false);
        assertThat(packets).anyMatch(p -> p.startsWith("MAIL FROM:<sender@example.com>") && p.endsWith("\r\n")
                && p.indexOf("\r\n") == p.length() - 2);
        assertThat(packets).contains("RCPT TO:<a@pipe.test>\r\n", "RCPT TO:<b@pipe.test>\r\n",
                "RCPT TO:<c@pipe.test>\r\n", "DATA\r\n");
        assertThat(packets).noneMatch(p -> p.contains("RCPT") && (p.contains("MAIL") || p.contains("DATA")));
    }

    @Test
    void queuedMessages_goOutBehindThePreviousFinalDot_onOneConnection() throws Exception {
        List<String> behind = deliverTwelveQueued("default: {connection_limit: 1}\n");
        assertThat(behind).hasSize(11);
    }

    @Test
    void pipelineAfterDataOff_eachMessageWaitsForThePreviousReply() throws Exception {
        List<String> behind = deliverTwelveQueued("default: {connection_limit: 1, pipeline_after_data: false}\n");
        assertThat(behind).isEmpty();
    }

    @Test
    void aServerThatClosesAfterEachMessage_costsOneDeferral_thenEachMessageWaitsForThe250() throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            sink.closeAfterEachMessage(true);
            Hermod hermod = startShaped(sink, "default: {connection_limit: 1, retry_initial: 1s}\n");
            try (SmtpTestClient client = greeted(hermod)) {
                // the first RCPT is answered after 300 ms: the rest are queued before the first dot
                List<String> recipients = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    recipients.add((i == 0 ? "slow-" : "m-") + i + "@closing.test");
                    SmtpTestClient.expect(client.sendMail("sender@example.com", List.of(recipients.get(i)),
                            ("Subject: closing " + i + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)),
                            250);
                }
                Await.until(() -> sink.deliveredRecipients().size() == 6, 30, () -> sink.reads().toString());

                assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrderElementsOf(recipients);
                // one message went behind the first dot and lost its connection; none went behind a dot after it
                long behind = sink.reads().stream().flatMap(List::stream)
                        .filter(read -> read.contains("\r\n.\r\nMAIL FROM:<sender@example.com>")).count();
                assertThat(behind).as(sink.reads().toString()).isEqualTo(1);
            } finally {
                hermod.close();
            }
        }
    }

    /**
     * Twelve messages to one site, over one connection; returns the sink's reads in which a
     * message's MAIL, RCPT and DATA followed the previous final dot.
     */
    private List<String> deliverTwelveQueued(String shapingYaml) throws Exception {
        try (TestSink sink = TestSink.start(true)) {
            Hermod hermod = startShaped(sink, shapingYaml);
            try (SmtpTestClient client = greeted(hermod)) {
                // each RCPT is answered after 300 ms: the other eleven are queued before the first's dot
                List<String> recipients = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    recipients.add("slow-" + i + "@behind.test");
                    SmtpTestClient.expect(client.sendMail("sender@example.com", List.of(recipients.get(i)),
                            ("Subject: behind " + i + "\r\n\r\nbody " + i + "\r\n.\r\n")
                                    .getBytes(StandardCharsets.US_ASCII)), 250);
                }
                Await.until(() -> sink.deliveredRecipients().size() == 12, 30, () -> sink.reads().toString());

                assertThat(sink.deliveredRecipients()).containsExactlyInAnyOrderElementsOf(recipients);
                assertThat(sink.connections()).isEqualTo(1);
                // the reads where a message's MAIL, RCPT and DATA came with the previous final dot
                List<String> behind = sink.reads().get(0).stream()
                        .filter(read -> read.contains("\r\n.\r\nMAIL FROM:<sender@example.com>")
                                && read.endsWith("@behind.test>\r\nDATA\r\n"))
                        .toList();
                // each message's own content, whole: the next message's commands were not taken into it
                assertThat(sink.received()).hasSize(12).allSatisfy(r -> {
                    String n = r.recipients().get(0).substring("slow-".length(), r.recipients().get(0).indexOf('@'));
                    assertThat(new String(r.data(), StandardCharsets.US_ASCII))
                            .endsWith("\r\nSubject: behind " + n + "\r\n\r\nbody " + n + "\r\n");
                });
                return behind;
            } finally {
                hermod.close();
            }
        }
    }

    /** Hermod relaying everything to {@code sink}, with {@code shapingYaml} as its shaping file. */
    private Hermod startShaped(TestSink sink, String shapingYaml) throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, shapingYaml);
        return TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink() + "shaping:\n  path: \"" + shaping + "\"\n");
    }

    /** A client session to {@code hermod}, greeted and past EHLO. */
    private static SmtpTestClient greeted(Hermod hermod) throws Exception {
        SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort());
        client.greeting();
        client.command("EHLO client.test");
        return client;
    }

    /** Sends one message with three recipients at one domain; returns the sink's reads on that connection. */
    private List<String> deliverOneMessage(boolean pipelining) throws Exception {
        try (TestSink sink = TestSink.start(pipelining)) {
            Hermod hermod = TestHermod.start(dir, sink.port(), TestHermod.routeAllToSink());
            try (SmtpTestClient client = new SmtpTestClient("127.0.0.1", hermod.smtpPort())) {
                client.greeting();
                client.command("EHLO client.test");
                SmtpTestClient.expect(client.sendMail("sender@example.com", RECIPIENTS,
                        "Subject: pipelining\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)), 250);
                Await.until(() -> sink.deliveredRecipients().size() == 3, 30, () -> sink.reads().toString());
                assertThat(sink.deliveredRecipients()).containsExactlyElementsOf(RECIPIENTS);
                assertThat(sink.connections()).isEqualTo(1);
                return sink.reads().get(0);
            } finally {
                hermod.close();
            }
        }
    }

    private static long sizeOf(List<String> packets) {
        String mail = packets.stream().filter(p -> p.startsWith("MAIL FROM:")).findFirst().orElseThrow();
        int at = mail.indexOf("SIZE=");
        return Long.parseLong(mail.substring(at + 5, mail.indexOf("\r\n")));
    }
}

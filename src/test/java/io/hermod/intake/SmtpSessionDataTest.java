package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static io.hermod.intake.SessionHarness.queuedReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DATA phase through the session: what is stored, what is refused, and how the body is streamed. */
class SmtpSessionDataTest {

    private static final String RECEIVED_ONE_RECIPIENT = "Received: from client.example ([192.0.2.10])\r\n"
            + "\tby mx.hermod.test (Hermod) with ESMTP id " + FIRST_ID + "\r\n"
            + "\tfor <bob@example.org>;\r\n"
            + "\tTue, 5 Mar 2024 10:15:30 +0000\r\n";

    private final SessionHarness h = new SessionHarness();

    private static SessionHarness withChunkSize(int chunkSize, boolean manualStore) {
        SessionHarness.Options options = new SessionHarness.Options();
        options.chunkSize = chunkSize;
        options.manualStore = manualStore;
        options.maxMessageSize = 1_000_000;
        return new SessionHarness(options);
    }

    @Test
    void storedMessage_isTheReceivedHeaderFollowedByTheBodyByteForByte() {
        h.openData("alice@example.com", "bob@example.org");
        String body = "From: alice@example.com\r\nSubject: hi\r\n\r\nHello, Bob.\r\n";

        assertThat(h.send(body + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(h.storedText()).isEqualTo(RECEIVED_ONE_RECIPIENT + body);
    }

    @Test
    void receivedHeader_namesNoRecipientWhenThereAreSeveral() {
        h.send("HELO old.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\n"
                + "RCPT TO:<carol@example.org>\r\nDATA\r\nhi\r\n.\r\n");
        assertThat(h.storedText()).isEqualTo("Received: from old.example ([192.0.2.10])\r\n"
                + "\tby mx.hermod.test (Hermod) with SMTP id " + FIRST_ID + ";\r\n"
                + "\tTue, 5 Mar 2024 10:15:30 +0000\r\n"
                + "hi\r\n");
    }

    @Test
    void everyOctetButNulCrAndLf_isStoredUnchanged() {
        h.openData("alice@example.com", "bob@example.org");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int b = 1; b < 256; b++) { // NUL refuses the message: SmtpSessionContentTest
            if (b != '\r' && b != '\n') {
                body.write(b);
            }
        }
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));

        h.send(body.toByteArray());
        h.send(".\r\n");

        byte[] stored = h.store.body(h.onlyCommitted());
        byte[] header = RECEIVED_ONE_RECIPIENT.getBytes(StandardCharsets.US_ASCII);
        assertThat(stored).hasSize(header.length + body.size());
        assertThat(Arrays.copyOfRange(stored, header.length, stored.length)).isEqualTo(body.toByteArray());
    }

    @Test
    void emptyBody_isAcceptedAndStoresTheHeaderOnly() {
        h.openData("alice@example.com", "bob@example.org");
        assertThat(h.send(".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(h.storedText()).isEqualTo(RECEIVED_ONE_RECIPIENT);
    }

    @Test
    void transparencyDot_isRemoved() {
        h.openData("alice@example.com", "bob@example.org");
        h.send("..x\r\n...\r\n.. \r\n.\r\n");
        assertThat(h.storedBody()).isEqualTo(".x\r\n..\r\n. \r\n");
    }

    @Test
    void bareCrAndBareLf_areStoredAsCrlf() {
        h.openData("alice@example.com", "bob@example.org");
        h.send("a\rb\nc\r\n.\r\n");
        assertThat(h.storedBody()).isEqualTo("a\r\nb\r\nc\r\n");
    }

    @ParameterizedTest(name = "payload {0}")
    @CsvSource({
        "'\\n.\\r\\n'", "'\\r\\n.\\n'", "'\\r.\\r\\n'", "'\\n.\\n'", "'\\r.\\r'", "'\\r\\n.\\r'",
    })
    void smugglingPayload_doesNotEndTheMessage_andTheRealEndDoes(String escaped) {
        String payload = escaped.replace("\\r", "\r").replace("\\n", "\n");
        h.openData("alice@example.com", "bob@example.org");

        assertThat(h.send("text" + payload + "MAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.org>\r\n"
                + "DATA\r\nsmuggled\r\n")).isEmpty();
        assertThat(h.store.commits).isEmpty();

        assertThat(h.send(".\r\nNOOP\r\n")).containsExactly(queuedReply(FIRST_ID), "250 2.0.0 Ok");
        assertThat(h.storedBody()).isEqualTo("text\r\n.\r\nMAIL FROM:<evil@example.net>\r\n"
                + "RCPT TO:<victim@example.org>\r\nDATA\r\nsmuggled\r\n");
        assertThat(h.onlyCommitted().recipients()).hasSize(1);
    }

    @Test
    void textLineOf1000OctetsWithCrlf_isAccepted() {
        h.openData("alice@example.com", "bob@example.org");
        assertThat(h.send("x".repeat(998) + "\r\n.\r\n")).containsExactly(queuedReply(FIRST_ID));
    }

    @Test
    void textLineOver1000Octets_refusesTheMessageWith550_5_6_0AfterEndOfData() {
        SessionHarness s = withChunkSize(1024, false);
        s.openData("alice@example.com", "bob@example.org");

        assertThat(s.send("short line\r\n".repeat(300) + "x".repeat(999) + "\r\nmore\r\n")).isEmpty();
        assertThat(s.send(".\r\nNOOP\r\n")).containsExactly(
                "550 5.6.0 Error: message has a line longer than 998 characters", "250 2.0.0 Ok");
        assertThat(s.store.chunkWrites).isNotEmpty();
        assertThat(s.store.commits).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isEmpty();
        assertThat(s.queue.enqueued).isEmpty();
    }

    @Test
    void stuffedLineOf1001Octets_countsItsTransparencyDot() {
        h.openData("alice@example.com", "bob@example.org");
        assertThat(h.send("." + "x".repeat(998) + "\r\n.\r\n"))
                .containsExactly("550 5.6.0 Error: message has a line longer than 998 characters");
    }

    @Test
    void bodyOfExactlyTheSizeLimit_isAccepted() {
        h.openData("alice@example.com", "bob@example.org");
        String body = ("x".repeat(98) + "\r\n").repeat(100);
        assertThat(h.send(body + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(h.storedBody()).isEqualTo(body);
    }

    @Test
    void streamedBodyOverTheSizeLimit_is552_5_3_4AtEndOfData_withoutCommit_andChunksDiscarded() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.chunkSize = 1024;
        SessionHarness s = new SessionHarness(options);
        s.openData("alice@example.com", "bob@example.org");

        assertThat(s.send(("x".repeat(98) + "\r\n").repeat(99) + "x".repeat(99) + "\r\n")).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isNotEmpty();
        assertThat(s.send(".\r\nNOOP\r\n"))
                .containsExactly("552 5.3.4 Error: message size exceeds fixed limit", "250 2.0.0 Ok");
        assertThat(s.store.commits).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isEmpty();
        assertThat(s.store.discards).extracting(InMemoryMessageStore.Discard::id).containsExactly(FIRST_ID);
        assertThat(s.queue.enqueued).isEmpty();
    }

    @Test
    void bodyLargerThanAChunk_isWrittenInFullChunksThatReassembleExactly() {
        SessionHarness s = withChunkSize(1024, false);
        s.openData("alice@example.com", "bob@example.org");
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 5000; i++) {
            body.append("line ").append(i).append(" of a body that spans several chunks\r\n");
        }

        assertThat(s.send(body + ".\r\n")).containsExactly(queuedReply(FIRST_ID));

        Envelope envelope = s.onlyCommitted();
        Map<Integer, byte[]> chunks = s.store.chunks(FIRST_ID);
        int total = RECEIVED_ONE_RECIPIENT.length() + body.length();
        assertThat(envelope.chunkCount()).isEqualTo((total + 1023) / 1024).isGreaterThan(4);
        assertThat(s.store.chunkWrites).hasSize(envelope.chunkCount() - 1);
        for (int i = 0; i < envelope.chunkCount() - 1; i++) {
            assertThat(chunks.get(i)).as("chunk %d", i).hasSize(1024);
        }
        assertThat(s.store.commits.get(0).lastChunk()).hasSize(total - 1024 * (envelope.chunkCount() - 1));
        assertThat(s.storedText()).isEqualTo(RECEIVED_ONE_RECIPIENT + body);
        assertThat(envelope.bodySize()).isEqualTo(total);
    }

    @Test
    void chunkWritesInFlight_pauseInputAtTheLimitAndResumeBelowIt() {
        SessionHarness s = withChunkSize(1024, true);
        s.openData("alice@example.com", "bob@example.org");
        String kilobyte = ("y".repeat(62) + "\r\n").repeat(16);

        s.send(kilobyte);
        assertThat(s.store.pendingChunkWrites()).isEqualTo(1);
        assertThat(s.channel.paused()).isFalse();

        s.send(kilobyte);
        assertThat(s.store.pendingChunkWrites()).isEqualTo(MessageBody.MAX_CHUNKS_IN_FLIGHT);
        assertThat(s.channel.paused()).isTrue();

        s.store.completeChunkWrite(0);
        assertThat(s.channel.paused()).isFalse();
        assertThat(s.channel.events).containsSubsequence("pause", "resume");

        s.send(kilobyte + ".\r\n");
        assertThat(s.channel.paused()).isTrue();
        assertThat(s.store.commits).as("commit waits for the chunk writes").isEmpty();

        for (int i = 1; i < s.store.chunkWrites.size(); i++) {
            s.store.completeChunkWrite(i);
        }
        assertThat(s.store.commits).hasSize(1);
        assertThat(s.newLines()).isEmpty();

        s.store.completeCommit(0);
        assertThat(s.newLines()).containsExactly(queuedReply(FIRST_ID));
        assertThat(s.channel.paused()).isFalse();
        assertThat(s.storedBody()).isEqualTo(kilobyte.repeat(3));
    }

    @Test
    void connectionClosedDuringData_discardsTheChunksWritten() {
        SessionHarness s = withChunkSize(1024, false);
        s.openData("alice@example.com", "bob@example.org");
        s.send("z".repeat(900) + "\r\n".repeat(2000));
        assertThat(s.store.chunks(FIRST_ID)).isNotEmpty();

        s.session.closed();

        assertThat(s.store.chunks(FIRST_ID)).isEmpty();
        assertThat(s.store.commits).isEmpty();
    }
}

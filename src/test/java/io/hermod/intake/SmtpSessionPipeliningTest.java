package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static io.hermod.intake.SessionHarness.HOSTNAME;
import static io.hermod.intake.SessionHarness.queuedReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.MessageId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 2920 pipelining: replies in order and batched into one write, any split of the input giving
 * the same result (as Netty's SmtpResponseDecoderTest splits input), and input held while the
 * spool commits.
 */
class SmtpSessionPipeliningTest {

    private static final String BATCH = "EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n"
            + "RCPT TO:<bob@example.org>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n";
    private static final List<String> BATCH_REPLIES = List.of(
            "250-" + HOSTNAME, "250-PIPELINING", "250-SIZE 10000", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
            "250 SMTPUTF8", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>");
    private static final String BODY = "Subject: split\r\n\r\n..leading dot\r\nbare lf\n.\r\nnot the end\r\n";
    private static final String STORED_BODY = "Subject: split\r\n\r\n.leading dot\r\nbare lf\r\n.\r\nnot the end\r\n";
    private static final String TRANSACTION = BATCH + BODY + ".\r\nQUIT\r\n";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static SessionHarness manualStore() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.manualStore = true;
        return new SessionHarness(options);
    }

    @Test
    void batchInOneChunk_isAnsweredInOrderInOneWrite() {
        SessionHarness h = new SessionHarness();
        h.session.receive(ascii(BATCH));

        List<byte[]> writes = h.newWrites();
        assertThat(writes).hasSize(1);
        assertThat(SessionHarness.lines(writes.get(0))).containsExactlyElementsOf(BATCH_REPLIES);
    }

    @Test
    void batchSplitAtEveryByte_givesTheSameReplies() {
        byte[] input = ascii(BATCH);
        for (int split = 0; split <= input.length; split++) {
            SessionHarness h = new SessionHarness();
            List<String> lines = h.sendChunks(Arrays.copyOfRange(input, 0, split),
                    Arrays.copyOfRange(input, split, input.length));
            assertThat(lines).as("split at %d", split).containsExactlyElementsOf(BATCH_REPLIES);
        }
    }

    @Test
    void wholeTransactionInOneChunk_repliesAndStoresTheUnstuffedBody() {
        SessionHarness h = new SessionHarness();
        List<String> expected = new ArrayList<>(BATCH_REPLIES);
        expected.add(queuedReply(FIRST_ID));
        expected.add("221 2.0.0 Bye");

        assertThat(h.send(TRANSACTION)).containsExactlyElementsOf(expected);
        assertThat(h.storedBody()).isEqualTo(STORED_BODY);
        assertThat(h.channel.closed()).isTrue();
    }

    @Test
    void wholeTransactionSplitAtEveryByte_givesTheSameRepliesAndStoredBytes() {
        SessionHarness reference = new SessionHarness();
        List<String> expectedLines = reference.send(TRANSACTION);
        byte[] expectedStored = reference.store.body(reference.onlyCommitted());

        byte[] input = ascii(TRANSACTION);
        for (int split = 0; split <= input.length; split++) {
            SessionHarness h = new SessionHarness();
            List<String> lines = h.sendChunks(Arrays.copyOfRange(input, 0, split),
                    Arrays.copyOfRange(input, split, input.length));
            assertThat(lines).as("split at %d", split).containsExactlyElementsOf(expectedLines);
            assertThat(h.store.body(h.onlyCommitted())).as("split at %d", split).isEqualTo(expectedStored);
        }
    }

    @Test
    void slicesOfLargerArrays_asTheSocketHandsThemOver_giveTheSameRepliesAndStoredBytes() {
        SessionHarness reference = new SessionHarness();
        List<String> expectedLines = reference.send(TRANSACTION);
        byte[] expectedStored = reference.store.body(reference.onlyCommitted());

        byte[] input = ascii(TRANSACTION);
        for (int split = 0; split <= input.length; split += 7) {
            // each read sits inside an array with other bytes around it, which must not be taken
            byte[] first = new byte[split + 6];
            Arrays.fill(first, (byte) 'X');
            System.arraycopy(input, 0, first, 3, split);
            byte[] second = new byte[input.length - split + 6];
            Arrays.fill(second, (byte) '\n');
            System.arraycopy(input, split, second, 3, input.length - split);
            SessionHarness h = new SessionHarness();
            h.session.receive(first, 3, split);
            h.session.receive(second, 3, input.length - split);
            assertThat(h.newLines()).as("split at %d", split).containsExactlyElementsOf(expectedLines);
            assertThat(h.store.body(h.onlyCommitted())).as("split at %d", split).isEqualTo(expectedStored);
        }
    }

    @Test
    void wholeTransactionOneByteAtATime_givesTheSameRepliesAndStoredBytes() {
        SessionHarness reference = new SessionHarness();
        List<String> expectedLines = reference.send(TRANSACTION);

        SessionHarness h = new SessionHarness();
        for (byte b : ascii(TRANSACTION)) {
            h.session.receive(new byte[] {b});
        }

        assertThat(h.newLines()).containsExactlyElementsOf(expectedLines);
        assertThat(h.store.body(h.onlyCommitted())).isEqualTo(reference.store.body(reference.onlyCommitted()));
    }

    @Test
    void commandsAfterEndOfData_areHeldUnansweredWhileTheCommitIsPending() {
        SessionHarness h = manualStore();

        assertThat(h.send(BATCH + "hello\r\n.\r\nNOOP\r\nRSET\r\n")).containsExactlyElementsOf(BATCH_REPLIES);
        assertThat(h.channel.paused()).isTrue();
        assertThat(h.channel.events).containsExactly("send", "pause", "send");
        // A client that goes on writing while reads are paused: held, not answered.
        assertThat(h.send("VRFY someone\r\n")).isEmpty();
        assertThat(h.store.commits).hasSize(1);

        h.store.completeCommit(0);

        List<byte[]> writes = h.newWrites();
        assertThat(writes).hasSize(1);
        assertThat(SessionHarness.lines(writes.get(0))).containsExactly(queuedReply(FIRST_ID), "250 2.0.0 Ok",
                "250 2.0.0 Ok", "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
        assertThat(h.channel.events).containsExactly("send", "pause", "send", "send", "resume");
        assertThat(h.channel.paused()).isFalse();
    }

    @Test
    void secondPipelinedMessage_waitsForTheFirstCommitAndInputStaysPausedThroughBoth() {
        SessionHarness h = manualStore();
        String second = "MAIL FROM:<alice@example.com>\r\nRCPT TO:<dave@example.org>\r\nDATA\r\nsecond\r\n.\r\n";

        assertThat(h.send(BATCH + "first\r\n.\r\n" + second + "QUIT\r\n")).containsExactlyElementsOf(BATCH_REPLIES);

        h.store.completeCommit(0);
        MessageId secondId = new MessageId(FIRST_ID.value() + 1);
        assertThat(h.newLines()).containsExactly(queuedReply(FIRST_ID), "250 2.1.0 Ok", "250 2.1.5 Ok",
                "354 2.0.0 End data with <CR><LF>.<CR><LF>");
        assertThat(h.store.commits).hasSize(2);
        assertThat(h.channel.paused()).isTrue();

        h.store.completeCommit(1);
        assertThat(h.newLines()).containsExactly(queuedReply(secondId), "221 2.0.0 Bye");
        assertThat(h.channel.events).containsExactly("send", "pause", "send", "send", "send", "close");
        assertThat(h.queue.enqueued).extracting(e -> e.id()).containsExactly(FIRST_ID, secondId);
    }

    @Test
    void failedCommitWithPipelinedCommands_answers451ThenTheCommands() {
        SessionHarness h = manualStore();
        h.send(BATCH + "hello\r\n.\r\nRSET\r\n");

        h.store.failCommit(0);

        assertThat(h.newLines()).containsExactly("451 4.3.0 Error: queue file write error, try again later",
                "250 2.0.0 Ok");
        assertThat(h.queue.enqueued).isEmpty();
        assertThat(h.channel.paused()).isFalse();
    }

    @Test
    void rejectedRecipientInABatch_doesNotStopTheRest() {
        SessionHarness h = new SessionHarness();
        List<String> lines = h.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\n"
                + "RCPT TO:<bob@example.org>\r\nRCPT TO:<not an address>\r\nRCPT TO:<carol@example.org>\r\n"
                + "DATA\r\nhello\r\n.\r\n");

        assertThat(lines.subList(6, lines.size())).containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok",
                "501 5.1.3 Error: bad recipient address syntax", "250 2.1.5 Ok",
                "354 2.0.0 End data with <CR><LF>.<CR><LF>", queuedReply(FIRST_ID));
        assertThat(h.onlyCommitted().recipients()).hasSize(2);
        assertThat(h.newWrites()).isEmpty();
        assertThat(h.channel.writes).hasSize(2);
    }
}

package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static io.hermod.intake.SessionHarness.queuedReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.MessageId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the content of a message may not hold, whatever its size: a NUL octet ({@code 550 5.6.0})
 * and more {@code Received:} header fields than {@code smtp.max_hops} ({@code 554 5.4.6}). Both
 * are refused at the end of DATA, like an over-long line, with nothing committed.
 */
class SmtpSessionContentTest {

    private static final String NUL_REFUSED = "550 5.6.0 Error: message contains a NUL character";
    private static final String LOOP_REFUSED = "554 5.4.6 Error: too many hops, mail loop suspected";
    /** Smaller than the default, so the tests show that smtp.max_hops is what counts. */
    private static final int MAX_HOPS = 7;

    private static SessionHarness smallChunks() {
        SessionHarness.Options options = new SessionHarness.Options();
        options.chunkSize = 1024;
        options.maxMessageSize = 1_000_000;
        options.maxHops = MAX_HOPS;
        return new SessionHarness(options);
    }

    private static String received(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append("Received: from hop").append(i).append(".example by hop").append(i + 1)
                    .append(".example;\r\n\tTue, 5 Mar 2024 10:15:").append(i % 60).append(" +0000\r\n");
        }
        return sb.toString();
    }

    private static void assertNothingKept(SessionHarness s) {
        assertThat(s.store.commits).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).isEmpty();
        assertThat(s.queue.enqueued).isEmpty();
    }

    @Test
    void nulSmugglingPayload_isRefusedWith550_5_6_0AtEndOfData_andTheChunksWrittenAreDiscarded() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");
        // A next hop that drops NULs would read "\r\n.\r\n" here and take what follows as commands.
        byte[] smuggling = ("Subject: x\r\n\r\n" + "filler line\r\n".repeat(200) + "text\r\n\0.\r\n"
                + "MAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(s.send(smuggling)).isEmpty();
        assertThat(s.store.chunkWrites).isNotEmpty();
        assertThat(s.send(".\r\nNOOP\r\n")).containsExactly(NUL_REFUSED, "250 2.0.0 Ok");
        assertNothingKept(s);
        assertThat(s.store.discards).extracting(InMemoryMessageStore.Discard::id).containsExactly(FIRST_ID);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"header", "body", "line start", "after dot", "alone"})
    void nulAnywhere_isRefused(String where) {
        SessionHarness h = new SessionHarness();
        h.openData("alice@example.com", "bob@example.org");
        String message = switch (where) {
            case "header" -> "Subject: a\0b\r\n\r\nbody\r\n";
            case "body" -> "Subject: x\r\n\r\nbo\0dy\r\n";
            case "line start" -> "Subject: x\r\n\r\n\0\r\n";
            case "after dot" -> "Subject: x\r\n\r\n.\0\r\n";
            default -> "\0";
        };
        assertThat(h.send(message + "\r\n.\r\n")).containsExactly(NUL_REFUSED);
        assertNothingKept(h);
    }

    @Test
    void afterANulRefusal_theNextTransactionIsAccepted() {
        SessionHarness h = new SessionHarness();
        h.openData("alice@example.com", "bob@example.org");
        h.send("a\0\r\n.\r\n");
        assertThat(h.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nclean\r\n.\r\n"))
                .endsWith(queuedReply(new MessageId(InMemoryMessageStore.FIRST_ID + 1)));
        assertThat(h.storedBody()).isEqualTo("clean\r\n");
    }

    @Test
    void moreReceivedFieldsThanMaxHops_isRefusedWith554_5_4_6AtEndOfData_andTheChunksWrittenAreDiscarded() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");

        assertThat(s.send(received(MAX_HOPS + 1) + "Subject: loop\r\n\r\n" + "body line\r\n".repeat(200)))
                .isEmpty();
        assertThat(s.store.chunkWrites).isNotEmpty();
        assertThat(s.send(".\r\nNOOP\r\n")).containsExactly(LOOP_REFUSED, "250 2.0.0 Ok");
        assertNothingKept(s);
    }

    @Test
    void exactlyMaxHopsReceivedFields_isAccepted_andLeavesWithHermodsOwnOnTop() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");

        assertThat(s.send(received(MAX_HOPS) + "Subject: far\r\n\r\nbody\r\n.\r\n"))
                .containsExactly(queuedReply(FIRST_ID));
        assertThat(s.storedText().split("\r\nReceived: ", -1)).hasSize(MAX_HOPS + 1);
    }

    @Test
    void receivedFieldsFedOneByteAtATime_areCountedAllTheSame() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");
        byte[] message = (received(MAX_HOPS + 1) + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        for (byte b : message) {
            assertThat(s.send(new byte[] {b})).isEmpty();
        }
        assertThat(s.send(".\r\n")).containsExactly(LOOP_REFUSED);
    }

    @Test
    void receivedLinesInTheBody_areNotCounted() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");
        String forwarded = "Subject: a bounce quoting a long trace\r\n\r\n" + received(MAX_HOPS * 2);

        assertThat(s.send(forwarded + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
    }

    @Test
    void receivedFieldNames_areCountedWhateverTheirCase_andOnlyWholeNames() {
        SessionHarness s = smallChunks();
        s.openData("alice@example.com", "bob@example.org");
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < MAX_HOPS; i++) {
            header.append(i % 2 == 0 ? "RECEIVED: " : "received: ").append(i).append("\r\n");
        }
        header.append("X-Received: c\r\nReceived-SPF: pass\r\nReceivedX: d\r\n Received: folded\r\n");

        assertThat(s.send(header + "\r\nbody\r\n.\r\n")).containsExactly(queuedReply(FIRST_ID));

        SessionHarness over = smallChunks();
        over.openData("alice@example.com", "bob@example.org");
        assertThat(over.send(header + "Received : e\r\n\r\nbody\r\n.\r\n")).containsExactly(LOOP_REFUSED);
    }
}

package io.hermod.intake;

import static io.hermod.intake.SessionHarness.FIRST_ID;
import static io.hermod.intake.SessionHarness.queuedReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.spool.MemoryBudget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DATA within the process's memory budget: a full budget pauses the session until memory is freed,
 * a budget that stays full gets the message 451 4.3.1 with the session still usable, and every way
 * a transaction ends gives back everything it held.
 */
class SmtpSessionMemoryTest {

    private static final String BODY = ("Subject: memory\r\n\r\n" + ("a line of the body, sixty-odd octets long, to fill chunks\r\n").repeat(60));
    private static final String INSUFFICIENT = "451 4.3.1 Error: insufficient system resources, try again later";

    private final MemoryBudget memory = new MemoryBudget(64 * 1024);

    private SessionHarness session(boolean manualStore) {
        SessionHarness.Options options = new SessionHarness.Options();
        options.chunkSize = 1024;
        options.maxMessageSize = 1_000_000;
        options.manualStore = manualStore;
        options.memory = memory;
        return new SessionHarness(options);
    }

    /** EHLO, MAIL with a SIZE (so the DATA phase reserves a small read-ahead), RCPT, DATA: 354. */
    private static void openData(SessionHarness s) {
        List<String> lines = s.send("EHLO client.example\r\nMAIL FROM:<alice@example.com> SIZE=4000\r\n"
                + "RCPT TO:<bob@example.org>\r\nDATA\r\n");
        assertThat(lines.get(lines.size() - 1)).startsWith("354 ");
    }

    /** Takes what is free, as other sessions would; returns how much. */
    private long fillTheRest() {
        long rest = memory.capacity() - memory.used();
        assertThat(memory.tryReserve(rest)).isTrue();
        return rest;
    }

    /** Completes every pending chunk write and commit, and those they lead to, as a writer that catches up. */
    private static void writerCatchesUp(SessionHarness s) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < s.store.chunkWrites.size(); i++) {
                if (!s.store.chunkWrites.get(i).future().isDone()) {
                    s.store.completeChunkWrite(i);
                    progress = true;
                }
            }
            for (int i = 0; i < s.store.commits.size(); i++) {
                if (!s.store.commits.get(i).future().isDone()) {
                    s.store.completeCommit(i);
                    progress = true;
                }
            }
        }
    }

    @Test
    void fullBudget_pausesReading_untilMemoryIsFreed_thenTheMessageIsAcceptedIntact() {
        SessionHarness s = session(true);
        openData(s);
        long others = fillTheRest();

        assertThat(s.send(BODY + ".\r\n")).isEmpty();
        assertThat(s.channel.paused()).isTrue();
        assertThat(memory.pauses()).isEqualTo(1);

        memory.release(others);
        writerCatchesUp(s);

        assertThat(s.newLines()).containsExactly(queuedReply(FIRST_ID));
        assertThat(s.storedBody()).isEqualTo(BODY);
        assertThat(s.channel.paused()).isFalse();
        assertThat(memory.refusals()).isZero();
        assertThat(memory.used()).isZero();
    }

    @Test
    void budgetThatStaysFull_getsTheMessage451_4_3_1_andTheSessionStaysUsable() {
        SessionHarness s = session(true);
        openData(s);
        long others = fillTheRest();
        assertThat(s.send(BODY + ".\r\nNOOP\r\n")).isEmpty();

        s.session.checkIdle(System.nanoTime() + SmtpSession.MEMORY_WAIT_NANOS / 2);
        assertThat(s.newLines()).as("still waiting").isEmpty();
        s.session.checkIdle(System.nanoTime() + SmtpSession.MEMORY_WAIT_NANOS + 1_000_000_000L);
        writerCatchesUp(s);

        assertThat(s.newLines()).containsExactly(INSUFFICIENT, "250 2.0.0 Ok");
        assertThat(s.channel.paused()).isFalse();
        assertThat(s.store.commits).isEmpty();
        assertThat(s.store.chunks(FIRST_ID)).as("what was written before is discarded").isEmpty();
        assertThat(memory.refusals()).isEqualTo(1);
        assertThat(memory.used()).isEqualTo(others);

        memory.release(others);
        assertThat(s.send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"))
                .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>");
        s.send(BODY + ".\r\n");
        writerCatchesUp(s);
        assertThat(s.newLines()).singleElement().asString().startsWith("250 2.0.0 Ok: queued as ");
        assertThat(memory.used()).isZero();
    }

    @Test
    void dataWithAFullBudget_waitsBeforeThe354_andGetsItWhenMemoryIsFreed() {
        SessionHarness s = session(false);
        long others = fillTheRest();

        List<String> lines = s.send("EHLO client.example\r\nMAIL FROM:<alice@example.com> SIZE=4000\r\n"
                + "RCPT TO:<bob@example.org>\r\nDATA\r\n");
        assertThat(lines).last().asString().startsWith("250 ");
        assertThat(s.channel.paused()).isTrue();

        memory.release(others);

        assertThat(s.newLines()).containsExactly("354 2.0.0 End data with <CR><LF>.<CR><LF>");
        assertThat(memory.used()).as("the read-ahead of SIZE + 4 KiB, and the first buffer")
                .isEqualTo(4000 + 4 * 1024 + 1024);
        assertThat(s.send(BODY + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(memory.used()).isZero();
    }

    @Test
    void dataWithABudgetThatStaysFull_gets451_4_3_1_andTheTransactionStaysOpen() {
        SessionHarness s = session(false);
        long others = fillTheRest();
        s.send("EHLO client.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");

        s.session.checkIdle(System.nanoTime() + SmtpSession.MEMORY_WAIT_NANOS + 1_000_000_000L);

        assertThat(s.newLines()).containsExactly(INSUFFICIENT);
        assertThat(s.channel.paused()).isFalse();
        assertThat(memory.used()).isEqualTo(others);
        memory.release(others);
        assertThat(s.send("DATA\r\n")).containsExactly("354 2.0.0 End data with <CR><LF>.<CR><LF>");
        assertThat(memory.used()).as("no SIZE: the read-ahead, at most a quarter of the budget, and the first buffer")
                .isEqualTo(memory.capacity() / 4 + 1024);
        assertThat(s.send(BODY + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(memory.used()).isZero();
    }

    @Test
    void connectionDroppedMidData_returnsTheBudgetToItsFullSize_onceTheWriterIsDone() {
        SessionHarness s = session(true);
        openData(s);
        s.send(BODY);
        assertThat(s.store.pendingChunkWrites()).isPositive();
        assertThat(memory.used()).isPositive();

        s.session.closed();
        for (int i = 0; i < s.store.chunkWrites.size(); i++) {
            if (i % 2 == 0) {
                s.store.completeChunkWrite(i);
            } else {
                s.store.failChunkWrite(i);
            }
        }

        assertThat(memory.used()).isZero();
        assertThat(s.store.commits).isEmpty();
    }

    @Test
    void connectionDroppedWhileWaitingForMemory_leavesTheLine_andGivesEverythingBack() {
        SessionHarness s = session(true);
        openData(s);
        long others = fillTheRest();
        s.send(BODY + ".\r\n");
        assertThat(s.channel.paused()).isTrue();

        s.session.closed();
        writerCatchesUp(s);
        assertThat(memory.used()).isEqualTo(others);
        memory.release(others);

        assertThat(memory.used()).isZero();
        assertThat(s.store.commits).isEmpty();
        assertThat(memory.tryReserve(memory.capacity())).as("nobody is left waiting").isTrue();
    }

    @Test
    void connectionDroppedDuringTheCommit_givesTheLastChunkBackWhenTheCommitEnds() {
        SessionHarness s = session(true);
        openData(s);
        s.send(BODY + ".\r\n");
        for (int i = 0; i < s.store.chunkWrites.size(); i++) {
            s.store.completeChunkWrite(i);
        }
        assertThat(s.store.commits).hasSize(1);
        assertThat(memory.used()).as("the last chunk").isPositive();

        s.session.closed();
        s.store.completeCommit(0);

        assertThat(memory.used()).isZero();
    }

    @Test
    void failedCommit_is451_4_3_0_andGivesEverythingBack() {
        SessionHarness s = session(true);
        openData(s);
        s.send(BODY + ".\r\n");
        for (int i = 0; i < s.store.chunkWrites.size(); i++) {
            s.store.completeChunkWrite(i);
        }

        s.store.failCommit(0);

        assertThat(s.newLines()).singleElement().asString().startsWith("451 4.3.0");
        assertThat(memory.used()).isZero();
    }

    @Test
    void refusedMessage_givesEverythingBack() {
        SessionHarness s = session(false);
        openData(s);

        assertThat(s.send(BODY + "a\u0000nul\r\n.\r\n")).singleElement().asString().startsWith("550 5.6.0");
        assertThat(memory.used()).isZero();
    }

    @Test
    void bodyLargerThanTheBudget_streamsThrough_whenTheWriterKeepsUp() {
        SessionHarness s = session(false);
        openData(s);
        String large = BODY.repeat(60); // about 210 KiB through a 64 KiB budget

        assertThat(s.send(large + ".\r\n")).containsExactly(queuedReply(FIRST_ID));
        assertThat(s.storedBody()).isEqualTo(large);
        assertThat(memory.used()).isZero();
    }
}
